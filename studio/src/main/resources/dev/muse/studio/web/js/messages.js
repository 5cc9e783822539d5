// One message in the conversation: the person's turn (text, images, audio) or Muse's answer (Markdown,
// a collapsible thinking block, generated media with a download link and a provenance badge).
import { verifyProvenance } from './api.js';
import { copyText, el, icon, iconButton } from './dom.js';
import { blobOf, drawingOf } from './drawing.js';
import { mediaOf, textOf } from './media.js';
import { renderMarkdown } from './render.js';
import { thoughtOf } from './thinking.js';

const EXTENSIONS = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp', 'image/gif': 'gif', 'audio/wav': 'wav', 'audio/mpeg': 'mp3' };

/**
 * The view of a message {role, content, status}. {@code actions} holds the callbacks of its buttons:
 * onEdit(message, newText), onRegenerate(message), onRemove(message), onCancelEdit(), onVariation(message) and
 * onEditPicture(message) (for a drawn picture).
 */
export class MessageView {
  constructor(message, actions) {
    this.message = message;
    this.actions = actions;
    this.userOpenedThinking = null; // the person's choice wins over the automatic open/close
    const user = message.role === 'user';
    this.gallery = el('div', { class: 'gallery', hidden: true });
    this.thinkingBody = el('div', { class: 'md' });
    this.thinkingSummary = el('summary', {}, 'Thinking');
    this.thinking = el('details', { class: 'thinking', hidden: true }, this.thinkingSummary, this.thinkingBody);
    this.thinkingSummary.addEventListener('click', () => { this.userOpenedThinking = !this.thinking.open; });
    this.userOpenedLanes = null;
    this.lanesSummary = el('summary', {}, 'Contemplating');
    this.lanesGrid = el('div', { class: 'lanes' });
    this.lanes = el('details', { class: 'contemplation', hidden: true }, this.lanesSummary, this.lanesGrid);
    this.lanesSummary.addEventListener('click', () => { this.userOpenedLanes = !this.lanes.open; });
    this.steps = el('ol', { class: 'tool-steps', hidden: true, 'aria-label': 'Tools Muse used' });
    this.body = el('div', { class: user ? 'text' : 'md answer' });
    this.note = el('p', { class: 'message-note', hidden: true });
    this.bubble = el('div', { class: 'bubble' }, this.gallery, this.lanes, this.thinking, this.steps, this.body, this.note);
    this.toolbar = el('div', { class: 'message-actions' });
    this.element = el('li', { class: `message ${message.role}` },
      el('span', { class: 'visually-hidden' }, user ? 'You said:' : 'Muse said:'), this.bubble, this.toolbar);
    this.renderMedia();
    this.renderText(false);
    this.renderState({ last: false, busy: false });
  }

  /** Shows new text, and thought, while it streams (cheap enough for every animation frame). */
  stream(text, reasoning) {
    this.message.content = text;
    this.message.reasoning_content = reasoning;
    this.renderText(true);
  }

  /** Redraws everything after the content or status changed. */
  refresh(state) {
    this.renderMedia();
    this.renderText(false);
    this.renderState(state);
  }

  renderText(streaming) {
    const text = textOf(this.message.content);
    if (this.message.role === 'user') {
      this.body.textContent = text;
      this.body.hidden = !text;
      return;
    }
    this.renderLanes(text, streaming);
    this.renderSteps();
    const { thinking, answer, thinkingDone } = thoughtOf(this.message.reasoning_content, text, streaming);
    this.thinking.hidden = thinking === null;
    if (thinking !== null) {
      renderMarkdown(this.thinkingBody, thinking);
      this.thinkingSummary.textContent = thinkingDone ? 'Thought process' : 'Thinking…';
      this.thinking.open = this.userOpenedThinking ?? !thinkingDone;
    }
    renderMarkdown(this.body, answer);
    this.body.classList.toggle('typing', streaming);
  }

  /**
   * A contemplating answer's sub-agents as parallel lanes, each its perspective, the end of what it writes and its
   * state; open while they think, folded away once the answer starts (the person's own choice wins).
   */
  renderLanes(text, streaming) {
    const agents = this.message.contemplation?.agents;
    this.lanes.hidden = !agents?.length;
    if (!agents?.length) return;
    const answering = text.length > 0 || !streaming;
    this.lanesSummary.textContent = answering ? `Contemplated with ${agents.length} sub-agents`
      : `Contemplating: ${agents.filter(a => a.finish_reason).length} of ${agents.length} sub-agents done…`;
    this.lanes.open = this.userOpenedLanes ?? !answering;
    while (this.lanesGrid.children.length < agents.length) {
      const k = this.lanesGrid.children.length;
      this.lanesGrid.append(el('section', { class: 'lane', 'aria-label': `Sub-agent ${k + 1}` },
        el('h4', {}, ''), el('p', { class: 'lane-text' }), el('p', { class: 'lane-state' })));
    }
    agents.forEach((a, k) => {
      const [title, body, state] = this.lanesGrid.children[k].children;
      title.textContent = `${k + 1}. ${a.perspective}`;
      const said = (a.content || a.reasoning_content || '').trim();
      body.textContent = said.length > 600 ? `…${said.slice(-600)}` : said;
      body.classList.toggle('thinking-text', !a.content);
      state.textContent = a.finish_reason ? `done · ${a.completion_tokens} tokens${a.finish_reason === 'length' ? ' (budget reached)' : ''}`
        : a.content ? 'concluding…' : 'thinking…';
    });
  }

  /**
   * The steps of Muse's own tools before the answer, each what was called with what (folded), what came back, and what
   * it made: a picture, a sound. Steps already shown are kept as they are (their media do not reload).
   */
  renderSteps() {
    const steps = this.message.tool_steps ?? [];
    this.steps.hidden = steps.length === 0;
    if (this.steps.children.length > steps.length) this.steps.replaceChildren();
    for (let k = this.steps.children.length; k < steps.length; k++) {
      const s = steps[k];
      const outputs = (s.outputs ?? []).map(o => {
        const url = `data:${o.type};base64,${o.b64_json}`;
        if (/^image\/(png|jpeg|webp)$/.test(o.type)) return el('figure', { class: 'media tool-output' },
          el('img', { src: url, alt: `made by ${s.name}` }), el('figcaption', {}, provenanceBadge(url)));
        if (/^audio\//.test(o.type)) return el('figure', { class: 'media tool-output' },
          el('audio', { src: url, controls: '' }), el('figcaption', {}, provenanceBadge(url)));
        return null;
      }).filter(Boolean);
      this.steps.append(el('li', { class: 'tool-step' },
        el('details', {}, el('summary', {}, `Used ${s.name.replace('_', ' ')}: `, el('span', { class: 'tool-result' }, s.result)),
          el('pre', { class: 'tool-arguments' }, prettyJson(s.arguments))),
        ...outputs));
    }
  }

  renderMedia() {
    const media = mediaOf(this.message.content);
    const generated = this.message.role === 'assistant';
    this.gallery.replaceChildren(...media.map((m, k) => figure(m, k, generated)));
    this.gallery.hidden = media.length === 0;
  }

  /** Notes and buttons: {last: is it the newest answer, busy: is an answer streaming}. */
  renderState({ last, busy }) {
    const m = this.message;
    const notes = [];
    this.element.classList.toggle('unsent', Boolean(m.unsent));
    if (m.progress) notes.push(m.progress);
    if (m.unsent) notes.push(`Not sent: ${m.unsent} This message is shown here only; it is not saved in the conversation.`);
    else if (m.stopped) notes.push('Stopped. What was written so far is saved.');
    else if (m.interrupted) notes.push(`Cut off: ${m.interrupted}`);
    else if (m.status === 'incomplete' && m.role === 'assistant') notes.push('Incomplete: this answer was cut off before it finished.');
    if (m.refusal) notes.push(m.refusal);
    const leftOut = m.role === 'assistant' ? m.usage?.left_out_messages ?? 0 : 0;
    if (leftOut > 0) notes.push(`Answered without the ${leftOut === 1 ? 'earliest message' : `${leftOut} earliest messages`}: the conversation no longer fits the model's context, so its oldest turns are left out.`);
    this.note.textContent = notes.join(' ');
    this.note.hidden = notes.length === 0;
    this.note.classList.toggle('error', Boolean(m.unsent || m.interrupted || m.refusal)); // a safety stop is shown as plainly as a failure

    const buttons = [];
    const text = textOf(m.content);
    if (text && !(busy && last)) buttons.push(this.copyButton(text));
    if (!busy && m.role === 'user' && (m.id || m.unsent)) buttons.push(iconButton('edit', m.unsent ? 'Edit and resend' : 'Edit and resend from here', () => this.startEdit()));
    if (!busy && m.unsent) buttons.push(iconButton('trash', 'Remove this unsent message', () => this.actions.onRemove(m)));
    const drawn = m.role === 'assistant' && m.id ? drawingOf(m.content) : null;
    if (!busy && last && m.role === 'assistant' && m.id && !drawn) buttons.push(iconButton('refresh', 'Regenerate the answer', () => this.actions.onRegenerate(m)));
    if (!busy && drawn) {
      buttons.push(iconButton('refresh', 'Draw a variation (another seed)', () => this.actions.onVariation(m)));
      buttons.push(iconButton('edit', 'Edit this picture', () => this.actions.onEditPicture(m)));
    }
    const speech = this.actions.speech?.(m);
    if (speech && text && m.role === 'assistant' && !drawn && !(busy && last)) {
      buttons.push(speech.speaking ? iconButton('stop', 'Stop reading aloud', () => this.actions.onSpeak(m), { 'aria-pressed': 'true' })
        : iconButton('speaker', 'Read aloud', () => this.actions.onSpeak(m)));
      if (speech.download) buttons.push(el('a', { class: 'icon-button', href: speech.download, download: 'answer.wav', 'aria-label': 'Download the speech', title: 'Download the speech' }, icon('download')));
    }
    this.toolbar.replaceChildren(...buttons);
  }

  copyButton(text) {
    const button = iconButton('copy', 'Copy the message', async () => {
      const copied = await copyText(text);
      button.replaceChildren(icon(copied ? 'check' : 'copy'));
      setTimeout(() => button.replaceChildren(icon('copy')), 1500);
    });
    return button;
  }

  /** Swaps the bubble for an editor of the text; attachments go along unchanged. */
  startEdit() {
    const input = el('textarea', { 'aria-label': 'Edit your message' });
    input.value = textOf(this.message.content);
    const cancel = () => {
      editor.replaceWith(this.bubble);
      this.toolbar.hidden = false;
      this.actions.onCancelEdit();
    };
    const submit = () => {
      if (!input.value.trim() && mediaOf(this.message.content).length === 0) return;
      this.actions.onEdit(this.message, input.value);
    };
    input.addEventListener('keydown', event => {
      if (event.key === 'Escape') cancel();
      else if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        submit();
      }
    });
    const editor = el('div', { class: 'edit-box' }, input, el('div', { class: 'edit-buttons' },
      el('button', { type: 'button', onclick: cancel }, 'Cancel'),
      el('button', { type: 'button', class: 'primary', 'aria-label': 'Send the edited message', onclick: submit }, 'Send')));
    this.bubble.replaceWith(editor);
    this.toolbar.hidden = true;
    input.focus();
  }
}

/** An image or audio clip; generated ones get a download link and their provenance badge. */
function figure(media, index, generated) {
  if (media.kind === 'missing') return el('p', { class: 'message-note' }, `(${media.label})`);
  const what = media.kind === 'image' ? 'image' : 'audio';
  const player = media.kind === 'image'
    ? el('img', { src: media.url, alt: generated ? `Generated image ${index + 1}` : `Attached image ${index + 1}` })
    : el('audio', { src: media.url, controls: true, preload: 'metadata', 'aria-label': generated ? `Generated audio ${index + 1}` : `Attached audio ${index + 1}` });
  if (!generated) {
    if (media.kind === 'audio' && typeof media.transcript === 'string')
      return el('figure', { class: 'media' }, player, el('figcaption', { class: 'transcript' }, `Voice message: “${media.transcript}”`));
    return el('figure', { class: 'media' }, player);
  }
  const name = `muse-${what}-${index + 1}.${EXTENSIONS[media.type] ?? 'bin'}`;
  return el('figure', { class: 'media' }, player, el('figcaption', {},
    el('a', { class: 'download', href: media.url, download: name, 'aria-label': `Download ${name}` }, icon('download'), 'Download'),
    provenanceBadge(media.url)));
}

/**
 * What the content credentials in the file at {@code url} say, as the server checks them: "Made with AI by Muse" for
 * a file this installation signed (or one it trusts), and a plain word for one without credentials, one changed since
 * it was signed, or one by a signer it does not know. Its details (signer, what made it, which model) unfold on click.
 */
function provenanceBadge(url) {
  const label = el('span', {}, 'Checking credentials…');
  const details = el('dl', { class: 'provenance-details' });
  const badge = el('details', { class: 'provenance', 'data-provenance': 'checking' },
    el('summary', { title: 'Content credentials (C2PA)' }, icon('shield'), label), details);
  (async () => {
    const blob = url.startsWith('data:') ? blobOf(url) : await (await fetch(url)).blob();
    const v = await verifyProvenance(blob);
    const c = v.c2pa ?? {};
    const state = v.status === 'valid' ? (c.trusted ? 'trusted' : 'untrusted') : v.status;
    badge.dataset.provenance = state;
    label.textContent = {
      trusted: c.ai_generated ? 'Made with AI by Muse' : `Signed by ${c.signer}`,
      untrusted: `Signed by ${c.signer} (not trusted here)`,
      tampered: 'Changed since it was signed',
      invalid: 'Credentials do not verify',
      none: 'No content credentials',
    }[state] ?? 'Credentials not checked';
    const rows = [['Status', v.summary], ['Signer', c.signer], ['Issued by', c.issuer], ['Software', c.generator],
      ...(c.actions ?? []).map(a => ['Action', `${a.action.replace('c2pa.', '')}${a.model ? ` by ${a.model}` : ''}`]),
      ...(v.watermarks ?? []).map(m => [`${m.kind[0].toUpperCase()}${m.kind.slice(1)} watermark`, m.found
        ? `found (${m.payload})${m.matches_credentials ? ', as the credentials record' : ''}`
        : m.recorded ? `recorded (${m.recorded}), not read back` : 'none found'])];
    details.replaceChildren(...rows.filter(([, value]) => value).flatMap(([name, value]) => [el('dt', {}, name), el('dd', {}, value)]));
  })().catch(e => {
    badge.dataset.provenance = 'unknown';
    label.textContent = 'Credentials not checked';
    details.replaceChildren(el('dd', {}, e.message));
  });
  return badge;
}

/** JSON text laid out for reading, or as it came when it is not JSON. */
function prettyJson(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
