// The open conversation: sending a turn and streaming the answer, stop, regenerate, edit and resend.
// Conversations live on the server (Muse's conversation_id extension): a chat request carries only the
// new turn, the server stores it before answering and saves the answer while it streams. After every turn
// the view is brought back in line with what the server stored.
import { ApiError, NetworkError, call, stream } from './api.js';
import { el } from './dom.js';
import { blobOf, drawPicture, drawingContent, drawingOf } from './drawing.js';
import { mediaOf, textOf } from './media.js';
import { MessageView } from './messages.js';
import { speechChoices } from './speech.js';

const DRAFT_TITLE = 'New chat';

export class Chat {
  constructor({ models, settings, composer, conversations, stats, banner, drawOptions, maskEditor, speaker }) {
    Object.assign(this, { models, settings, composer, conversations, stats, banner, drawOptions, maskEditor, speaker });
    this.list = document.getElementById('message-list');
    this.scroller = document.getElementById('messages');
    this.emptyState = document.getElementById('empty-state');
    this.titleHeading = document.getElementById('conversation-title');
    this.conversation = draft();
    this.entries = []; // {message, view}; message: {id?, role, content, status?, usage?, unsent?, anchor?, stopped?, interrupted?}
    this.streaming = null;
  }

  get busy() { return this.streaming !== null; }

  /** An empty chat; it is created on the server with its first message. */
  newChat() {
    this.stop();
    this.conversation = draft({ mode: this.settings.mode }); // a new chat keeps the mode, not the other settings
    this.settings.show(this.conversation.settings);
    this.show([]);
    this.conversations.setActive(null);
    history.replaceState(null, '', location.pathname);
    this.stats.contextUsed(null);
  }

  /** Shows a stored conversation; opening the one already shown (after a reconnect) keeps its unsent messages. */
  async open(id) {
    this.stop();
    const conversation = await call('GET', `v1/conversations/${encodeURIComponent(id)}`);
    const unsent = id === this.conversation.id ? this.entries.map(e => e.message).filter(m => m.unsent) : [];
    this.conversation = conversation;
    this.settings.show(conversation.settings);
    if (conversation.model && !this.models.choose(conversation.model))
      this.banner.show(`This conversation used the model '${conversation.model}', which this server does not offer; answers now come from '${this.models.value}'.`, 'info');
    this.show(withUnsent(conversation.messages, unsent));
    this.conversations.include(conversation);
    this.conversations.setActive(id);
    this.scrollToEnd(true);
    history.replaceState(null, '', `#c=${encodeURIComponent(id)}`);
    this.showContext();
  }

  /** Replaces the shown messages (keeping messages that were refused and exist only here). */
  show(messages) {
    this.entries = [];
    this.list.replaceChildren();
    for (const message of messages) this.append(message);
    this.titleHeading.textContent = this.conversation.title;
    this.renderStates();
  }

  append(message) {
    const view = new MessageView(message, {
      onEdit: (m, text) => this.edit(m, text),
      onRegenerate: m => this.regenerate(m),
      onRemove: m => this.remove(m),
      onCancelEdit: () => this.renderStates(),
      onVariation: m => this.vary(m),
      onEditPicture: m => this.editPicture(m),
      speech: m => this.models.speaks() ? { speaking: this.speaker.speaking(speechKey(m)), download: this.speaker.download(speechKey(m)) } : null,
      onSpeak: m => this.speaker.toggle(speechKey(m), textOf(m.content)),
    });
    this.entries.push({ message, view });
    this.list.append(view.element);
    this.emptyState.hidden = true;
    return view;
  }

  renderStates() {
    const lastAssistant = this.entries.findLast(e => e.message.role === 'assistant' && !e.message.unsent);
    for (const e of this.entries) e.view.renderState({ last: e === lastAssistant && e === this.entries.findLast(x => !x.message.unsent), busy: this.busy });
    this.emptyState.hidden = this.entries.length > 0;
  }

  /** From the composer: a chat turn, or with an image model a drawing (of an attached image: an edit of it). */
  send({ text, attachments }) {
    if (this.models.draws(this.models.value)) {
      const images = attachments.filter(a => a.kind === 'image');
      if (!text || images.length > 1 || images.length < attachments.length) {
        this.composer.fill(text, attachments);
        this.composer.note(!text ? 'Describe the picture to draw.' : 'An image model takes a description and at most one picture to redraw.');
        return;
      }
      return this.draw(text, images.length ? { url: images[0].url, mask: null, strength: this.drawOptions.strengthValue() } : null);
    }
    const media = attachments.map(a => a.part);
    return this.ask(media.length ? [...(text ? [{ type: 'text', text }] : []), ...media] : text);
  }

  stop() {
    this.streaming?.controller.abort();
  }

  /** Sends one user turn and streams the answer into the view. */
  async ask(content) {
    if (this.busy) return;
    const model = this.models.value;
    if (!model) {
      this.banner.show('This server offers no model: start it with --model FILE or put a .gguf in the model cache.');
      return;
    }
    this.banner.clear();
    const user = { role: 'user', content, anchor: this.entries.findLast(e => e.message.id)?.message.id ?? null };
    const userView = this.append(user);
    const controller = new AbortController();
    this.streaming = { controller };
    this.composer.setBusy(true);
    this.stats.reset();
    this.renderStates();
    this.scrollToEnd(true);
    let assistant = null, view = null, usage = null, text = '', thought = '', frame = 0, speech = null, agents = null;
    const steps = [];
    try {
      if (!this.conversation.id) await this.create(model, content);
      const body = this.request(model, content);
      const started = performance.now();
      let first = null, pieces = 0;
      assistant = { role: 'assistant', content: '', status: 'streaming' };
      view = this.append(assistant);
      // with auto-speak the answer is said while it is written, its finished sentences at a time
      if (this.models.speaks() && speechChoices.autoSpeak) speech = this.speaker.follow(speechKey(assistant));
      this.renderStates();
      for await (const event of stream('v1/chat/completions', body, controller.signal)) {
        const delta = event.choices?.[0]?.delta ?? {};
        if (event.usage) usage = event.usage;
        if (event.contemplation) {
          agents = contemplated(agents, event.contemplation);
          assistant.contemplation = { agents };
        }
        if (event.tool_step) {
          steps.push(event.tool_step);
          assistant.tool_steps = steps;
        }
        if (delta.refusal) { // the server's safety screening stopped the answer: what was streamed is not shown (the stored reply keeps what was found safe)
          assistant.refusal = delta.refusal;
          text = '';
          view.stream(text, thought);
          continue;
        }
        if (!delta.content && !delta.reasoning_content && !event.contemplation && !event.tool_step) continue;
        const now = performance.now();
        if (first === null) {
          first = now;
          this.stats.firstToken(now - started);
        }
        text += delta.content ?? '';
        thought += delta.reasoning_content ?? '';
        if (delta.content) speech?.add(text);
        if (!event.contemplation && !event.tool_step) pieces++;
        this.stats.rate(pieces, now - first, false);
        frame ||= requestAnimationFrame(() => {
          frame = 0;
          const pinned = this.nearEnd();
          view.stream(text, thought);
          this.scrollToEnd(pinned);
        });
      }
      assistant.status = 'complete';
      if (usage && first !== null) this.stats.rate(usage.completion_tokens, performance.now() - first, true);
    } catch (e) {
      if (assistant) assistant.status = 'incomplete';
      if (e.name === 'AbortError') {
        if (assistant) assistant.stopped = true;
      } else if (e instanceof ApiError || e instanceof NetworkError) {
        if (e.midStream) {
          assistant.interrupted = sentence(e.message); // the server keeps what it saved, marked incomplete
        } else {
          user.unsent = sentence(e.message); // refused (or unreachable) before answering: nothing of the turn is stored
          if (assistant) this.drop(assistant);
        }
        if (e instanceof ApiError) this.banner.show(e.message); // an unreachable server is the connection's banner
      } else {
        throw e;
      }
    } finally {
      cancelAnimationFrame(frame); // however it ended, the whole text is shown once more, without the caret
      if (assistant) {
        assistant.content = text;
        assistant.reasoning_content = thought;
      }
      this.streaming = null;
      this.composer.setBusy(false);
      userView.refresh({ last: false, busy: false });
      view?.refresh({ last: false, busy: false });
      this.renderStates();
    }
    if (speech && user.unsent) this.speaker.stop(); // refused before answering: nothing to say
    else speech?.end(text); // stopped or cut off: what was written is said
    if (!user.unsent) await this.sync(usage);
    const stored = this.entries.findLast(e => e.message.role === 'assistant' && !e.message.unsent)?.message;
    if (speech && stored?.id) this.speaker.rename(speechKey(assistant), stored.id);
  }

  /**
   * Draws a picture of {@code prompt} (or redraws {@code edit}: {url, mask, strength}), showing it form from the
   * previews, then keeps the prompt and the picture (with its parameters) in the conversation.
   */
  async draw(prompt, edit, overrides = {}) {
    if (this.busy) return;
    const model = this.models.value;
    this.banner.clear();
    const parameters = { ...this.drawOptions.parameters(prompt), ...overrides };
    const user = { role: 'user', content: prompt, anchor: this.entries.findLast(e => e.message.id)?.message.id ?? null };
    const userView = this.append(user);
    const controller = new AbortController();
    this.streaming = { controller };
    this.composer.setBusy(true);
    const answer = { role: 'assistant', content: [], status: 'streaming', progress: 'Drawing…' };
    const view = this.append(answer);
    this.renderStates();
    this.scrollToEnd(true);
    try {
      if (!this.conversation.id) await this.create(model, prompt);
      const picture = edit ? { image: blobOf(edit.url), mask: edit.mask, strength: edit.strength } : null;
      const drawn = await drawPicture(model, parameters, picture, (url, step) => {
        const pinned = this.nearEnd();
        answer.content = [{ type: 'image_url', image_url: { url } }];
        answer.progress = `Drawing… step ${step}`;
        view.refresh({ last: true, busy: true });
        this.scrollToEnd(pinned);
      }, controller.signal);
      answer.content = drawingContent(drawn.url, drawn.parameters);
      answer.status = 'complete';
      delete answer.progress;
      const path = `v1/conversations/${encodeURIComponent(this.conversation.id)}/messages`;
      await call('POST', path, { role: 'user', content: prompt });
      await call('POST', path, { role: 'assistant', content: answer.content });
    } catch (e) {
      if (e.name === 'AbortError') {
        this.drop(answer);
        user.unsent = 'Stopped before the picture was finished.';
      } else if (e instanceof ApiError || e instanceof NetworkError) {
        this.drop(answer);
        user.unsent = sentence(e.message);
        if (e instanceof ApiError) this.banner.show(e.message);
      } else {
        throw e;
      }
    } finally {
      this.streaming = null;
      this.composer.setBusy(false);
      userView.refresh({ last: false, busy: false });
      view.refresh({ last: false, busy: false });
      this.renderStates();
    }
    if (!user.unsent) await this.sync();
  }

  /** The same picture's prompt and settings again with another seed. */
  vary(message) {
    const drawn = drawingOf(message.content);
    if (!drawn) return;
    const p = drawn.parameters;
    return this.draw(p.prompt, null, { size: p.size, steps: p.steps, guidance_scale: p.guidance_scale, negative_prompt: p.negative_prompt,
      seed: Math.floor(Math.random() * 2 ** 31) });
  }

  /** Opens the picture in the mask editor, then redraws it (where painted) as asked. */
  async editPicture(message) {
    const drawn = drawingOf(message.content);
    if (!drawn || this.busy) return;
    const asked = await this.maskEditor.open(drawn.url, drawn.parameters.prompt ?? '');
    if (!asked) return;
    return this.draw(asked.prompt, { url: drawn.url, mask: asked.mask, strength: asked.strength },
      { size: drawn.parameters.size, steps: drawn.parameters.steps, guidance_scale: drawn.parameters.guidance_scale });
  }

  request(model, content) {
    const s = this.conversation.settings ?? {};
    const body = {
      model, conversation_id: this.conversation.id, messages: [{ role: 'user', content }],
      stream: true, stream_options: { include_usage: true }, mode: this.settings.mode,
    };
    if (typeof s.temperature === 'number') body.temperature = s.temperature;
    if (typeof s.max_tokens === 'number') body.max_tokens = s.max_tokens;
    if (s.muse_tools === true) body.muse_tools = true;
    return body;
  }

  async create(model, content) {
    const settings = { ...this.conversation.settings, mode: this.settings.mode };
    const created = await call('POST', 'v1/conversations', { title: titleOf(content), model, settings });
    this.conversation = created;
    this.titleHeading.textContent = created.title;
    this.conversations.upsert(created);
    this.conversations.setActive(created.id);
    history.replaceState(null, '', `#c=${encodeURIComponent(created.id)}`);
  }

  /**
   * Brings the view in line with the server after a turn: stored ids (for regenerate and edit), statuses,
   * and messages refused earlier kept after the message they followed. A stopped answer may be saved a
   * moment after the stream closed, so a stored text that is only a prefix of the shown one is not shown.
   */
  async sync(usage) {
    if (!this.conversation.id) return;
    let stored;
    try {
      stored = await call('GET', `v1/conversations/${encodeURIComponent(this.conversation.id)}`);
    } catch (e) {
      if (!(e instanceof NetworkError)) this.banner.show(e.message);
      return;
    }
    if (this.busy || stored.id !== this.conversation.id) return; // the person moved on meanwhile
    const shown = this.entries.map(e => e.message);
    const last = shown.findLast(m => m.role === 'assistant' && !m.unsent);
    const newest = stored.messages.at(-1);
    if (last && newest?.role === 'assistant') {
      const local = textOf(last.content), saved = textOf(newest.content);
      if (local.startsWith(saved) && local.length > saved.length) newest.content = last.content;
      const localThought = last.reasoning_content ?? '', savedThought = newest.reasoning_content ?? '';
      if (localThought.startsWith(savedThought) && localThought.length > savedThought.length) newest.reasoning_content = localThought;
      newest.contemplation ??= last.contemplation; // stored once the answer is done: until then, what was streamed
      newest.tool_steps ??= last.tool_steps;
      // The server marks a reply complete just after its stream ends; the [DONE] seen here already says so.
      if (last.status === 'complete') newest.status = 'complete';
      newest.stopped = last.stopped;
      newest.interrupted = last.interrupted;
    }
    const pinned = this.nearEnd();
    this.conversation = { ...this.conversation, ...stored };
    this.show(withUnsent(stored.messages, shown.filter(m => m.unsent)));
    this.conversations.upsert(stored);
    this.conversations.setActive(stored.id);
    await this.models.refresh().catch(() => {});
    this.showContext(usage);
    this.scrollToEnd(pinned);
  }

  /** Context used: the last answer's prompt and completion tokens, of the model's window. */
  showContext(usage) {
    const last = usage ?? this.entries.findLast(e => e.message.usage)?.message.usage;
    const tokens = last ? last.prompt_tokens + last.completion_tokens : null;
    this.stats.contextUsed(tokens, this.models.contextLength(this.models.value));
    this.markLeftOut(last?.left_out_messages ?? 0);
  }

  /**
   * Dims the messages the last answer was made without (the server leaves out a long conversation's oldest turns,
   * never the system prompt) and says so where the messages the model still sees begin.
   */
  markLeftOut(count) {
    this.list.querySelector('.left-out-note')?.remove();
    let left = count, firstKept = null;
    for (const e of this.entries) {
      const out = left > 0 && !e.message.unsent && e.message.role !== 'system';
      if (out) left--;
      else if (count > 0 && left === 0 && !firstKept) firstKept = e;
      e.view.element.classList.toggle('left-out', out);
    }
    if (firstKept) firstKept.view.element.before(el('li', { class: 'left-out-note', role: 'note' },
      `${count === 1 ? 'The message above is' : `The ${count} messages above are`} left out of the model's context: the conversation is longer than the model can see at once.`));
  }

  async regenerate(answer) {
    const index = this.entries.findIndex(e => e.message === answer);
    const turn = this.entries.slice(0, index).findLast(e => e.message.role === 'user' && e.message.id);
    if (!turn) return;
    await this.rewindAndAsk(turn.message, turn.message.content);
  }

  async edit(message, text) {
    const media = Array.isArray(message.content) ? message.content.filter(p => p?.type !== 'text') : [];
    const content = media.length ? [...(text.trim() ? [{ type: 'text', text: text.trim() }] : []), ...media] : text.trim();
    if (message.unsent) {
      this.drop(message);
      return this.turn(content);
    }
    await this.rewindAndAsk(message, content);
  }

  /** Deletes the stored message and everything after it, then sends {@code content} in its place. */
  async rewindAndAsk(from, content) {
    if (this.busy) return;
    try {
      await call('DELETE', `v1/conversations/${encodeURIComponent(this.conversation.id)}/messages/${encodeURIComponent(from.id)}`);
    } catch (e) {
      this.banner.show(e.message);
      return;
    }
    const index = this.entries.findIndex(e => e.message === from);
    for (const e of this.entries.slice(index)) if (!e.message.unsent) this.drop(e.message);
    await this.turn(content);
  }

  /** A turn again (edited or regenerated): asked of a chat model, drawn by an image model. */
  turn(content) {
    return this.models.draws(this.models.value) ? this.draw(textOf(content), null) : this.ask(content);
  }

  remove(message) {
    this.drop(message);
    this.renderStates();
  }

  drop(message) {
    const entry = this.entries.find(e => e.message === message);
    if (!entry) return;
    entry.view.element.remove();
    this.entries = this.entries.filter(e => e !== entry);
  }

  /** Saves changed settings with the conversation (a new chat keeps them until it is created). */
  async updateSettings(changes) {
    this.conversation.settings = { ...this.conversation.settings, ...changes, mode: this.settings.mode };
    this.settings.show(this.conversation.settings);
    await this.patch({ settings: this.conversation.settings });
  }

  async changeModel(model) {
    this.conversation.model = model;
    this.showContext();
    await this.patch({ model });
  }

  async patch(changes) {
    if (!this.conversation.id) return;
    try {
      this.conversations.upsert(await call('PATCH', `v1/conversations/${encodeURIComponent(this.conversation.id)}`, changes));
    } catch (e) {
      this.banner.show(e.message);
    }
  }

  nearEnd() {
    const s = this.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < 80;
  }

  scrollToEnd(pinned) {
    if (pinned) this.scroller.scrollTop = this.scroller.scrollHeight;
  }
}

/** Stored messages with the refused ones (which only this page has) put back after the message each followed. */
function withUnsent(stored, unsent) {
  const messages = unsent.filter(u => u.anchor === null);
  for (const m of stored) messages.push(m, ...unsent.filter(u => u.anchor === m.id));
  return messages;
}

function draft(settings = {}) {
  return { id: null, title: DRAFT_TITLE, model: null, settings };
}

/** A conversation's title from its first message: the first line of text, or what was attached. */
function titleOf(content) {
  const text = textOf(content).trim().split('\n')[0];
  if (text) return text.length > 60 ? `${text.slice(0, 57)}…` : text;
  const media = mediaOf(content);
  return media.some(m => m.kind === 'image') ? 'Image' : media.length ? 'Recording' : DRAFT_TITLE;
}

function sentence(text) { return /[.!?]$/.test(text) ? text : `${text}.`; }

/** What identifies an answer for read-aloud: its stored id, or the message itself before it has one. */
const unsavedKeys = new WeakMap();
let unsaved = 0;
function speechKey(m) {
  if (m.id) return m.id;
  if (!unsavedKeys.has(m)) unsavedKeys.set(m, `unsaved-${++unsaved}`);
  return unsavedKeys.get(m);
}

/**
 * The sub-agents' work so far, in the form a stored reply keeps it ({agent, perspective, reasoning_content, content,
 * finish_reason, completion_tokens}), with one chunk's {@code contemplation} object added: their perspectives when they
 * set out, then each one's thought and conclusion as they grow, and its end.
 */
function contemplated(agents, c) {
  if (c.agents) return c.agents.map(a => ({ agent: a.agent, perspective: a.perspective, reasoning_content: '', content: '' }));
  const a = agents?.[c.agent];
  if (!a) return agents;
  a.reasoning_content += c.reasoning_content ?? '';
  a.content += c.content ?? '';
  if (c.finish_reason) Object.assign(a, { finish_reason: c.finish_reason, completion_tokens: c.completion_tokens });
  return agents;
}
