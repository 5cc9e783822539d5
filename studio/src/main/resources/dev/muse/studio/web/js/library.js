// Says plainly when the chosen model continues text rather than answering it (a base model such as the bundled
// stories260K has no chat template) and offers the library's starter chat model instead: downloaded by the server
// with its progress shown here, then chosen. The download runs on in the server, so after a reload the page finds
// it under way and follows it again.
import { call, stream } from './api.js';
import { el, iconButton } from './dom.js';

const DISMISSED = 'muse.baseModelNoticeDismissed.';

export class ModelNotice {
  /** onPick(id) switches the chat to a model; onError(error) reports a failure. */
  constructor({ models, onPick, onError }) {
    Object.assign(this, { models, onPick, onError });
    this.box = document.getElementById('model-notice');
    this.pulling = false;
  }

  /** Shows the notice when the chosen model is a loaded base model, hides it otherwise (a download in progress stays). */
  async update() {
    if (this.pulling) return;
    const model = this.models.info(this.models.value);
    if (!(model?.loaded && model.chat_template === false) || this.models.draws(model.id)) { // an image model has no template either
      this.box.hidden = true;
      return;
    }
    let starter;
    try {
      starter = (await call('GET', 'v1/library')).data.find(m => m.starter_chat);
    } catch (e) {
      this.onError(e);
      return;
    }
    if (!starter || this.pulling || this.models.value !== model.id) return; // the person moved on meanwhile
    if (!starter.pull && localStorage.getItem(DISMISSED + model.id)) {
      this.box.hidden = true; // the person knows, and may want stories
      return;
    }
    const says = el('p', {}, el('strong', {}, model.id),
      ' is a base model: it continues your text like a story rather than answering it. For an assistant that answers, use a chat model.');
    if (this.models.info(starter.model_id)) {
      this.show(says, el('button', { type: 'button', class: 'primary', onclick: () => this.onPick(starter.model_id) },
        `Chat with ${starter.model_id}`));
    } else if (starter.pull) {
      this.follow(starter); // started earlier, by this page before a reload or by another one
    } else {
      this.show(says, el('button', { type: 'button', class: 'primary', onclick: () => this.follow(starter) },
        `Download ${starter.description}`));
    }
  }

  /** The notice with {@code children}; its close button hides it for the chosen model from now on. */
  show(...children) {
    const id = this.models.value;
    const close = iconButton('close', 'Dismiss this notice', () => {
      localStorage.setItem(DISMISSED + id, '1');
      this.box.hidden = true;
    });
    this.box.replaceChildren(...children, ...(this.pulling ? [] : [close]));
    this.box.hidden = false;
  }

  /** Starts the download of {@code starter} (or joins the one under way) and shows its progress until it is done. */
  async follow(starter) {
    if (this.pulling) return;
    this.pulling = true;
    const bar = el('progress', { 'aria-label': `Downloading ${starter.model_id}` }); // no value yet: indeterminate
    const amount = el('span', {}, 'starting…');
    this.show(el('p', {}, `Downloading ${starter.description}. You can keep chatting meanwhile.`),
      el('div', { class: 'pull-progress' }, bar, amount));
    let pulled = null;
    try {
      for await (const event of stream('v1/library/pull', { model: starter.id })) {
        if (event.total_bytes) {
          bar.max = event.total_bytes;
          bar.value = event.completed_bytes;
          amount.textContent = `${size(event.completed_bytes)} of ${size(event.total_bytes)}`;
        }
        if (event.status === 'done') pulled = event.id;
      }
    } catch (e) {
      this.onError(e);
    } finally {
      this.pulling = false;
    }
    if (pulled) {
      this.box.hidden = true;
      await this.onPick(pulled);
    } else await this.update();
  }
}

function size(bytes) {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.round(bytes / 1e3)} kB`;
}
