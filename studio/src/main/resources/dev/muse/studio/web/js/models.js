// The model picker: the server's models a conversation can be held with, loaded ones first, with their context
// window once loaded. Speech models (a voice, a transcriber) are not in it: the studio uses them for reading aloud and the microphone.
import { call } from './api.js';
import { el } from './dom.js';

const LAST_MODEL = 'muse.model';

/** Whether a conversation can be held with a model: it reads text and answers in text or pictures (not a voice or a transcriber). */
const converses = m => (m.input_modalities ?? ['text']).includes('text') && (m.output_modalities ?? ['text']).some(o => o === 'text' || o === 'image');

export class ModelPicker {
  /** onChange(id) when the person picks another model; onShown() whenever the list or the choice shown changed. */
  constructor({ onChange, onShown = () => {} }) {
    this.models = [];
    this.onShown = onShown;
    this.select = document.getElementById('model');
    this.select.addEventListener('change', () => {
      localStorage.setItem(LAST_MODEL, this.select.value);
      onChange(this.select.value);
      this.onShown();
    });
  }

  /** Reloads the list from the server, keeping the current choice when it is still offered. */
  async refresh() {
    const previous = this.select.value || localStorage.getItem(LAST_MODEL);
    this.models = (await call('GET', 'v1/models')).data;
    const offered = this.models.filter(converses), loaded = offered.filter(m => m.loaded), available = offered.filter(m => !m.loaded);
    const option = m => el('option', { value: m.id }, m.loaded && m.context_length ? `${m.id} · ${m.context_length.toLocaleString()} tokens` : m.id);
    this.select.replaceChildren(
      ...(loaded.length ? [el('optgroup', { label: 'Loaded' }, loaded.map(option))] : []),
      ...(available.length ? [el('optgroup', { label: 'Available (loads on first use)' }, available.map(option))] : []));
    this.select.disabled = offered.length === 0;
    const keep = offered.find(m => m.id === previous) ?? loaded[0] ?? offered[0];
    if (keep) this.select.value = keep.id;
    this.onShown();
  }

  get value() { return this.select.value || null; }

  /** Shows a conversation's model; false when this server does not offer it (the current choice stays). */
  choose(id) {
    if (!id || !this.models.some(m => m.id === id && converses(m))) return false;
    this.select.value = id;
    this.onShown();
    return true;
  }

  /** Switches to a model as if the person had picked it in the list (the choice is remembered); false when not offered. */
  pick(id) {
    if (!this.choose(id)) return false;
    localStorage.setItem(LAST_MODEL, id);
    return true;
  }

  /** What the server said of a model (/v1/models), or undefined when it does not offer it. */
  info(id) { return this.models.find(m => m.id === id); }

  /** Whether a model makes pictures (an image generation model) rather than text. */
  draws(id) { return (this.info(id)?.output_modalities ?? []).includes('image'); }

  /** Whether the server offers a speech synthesis model, which reads answers aloud. */
  speaks() { return this.models.some(m => (m.output_modalities ?? []).includes('audio')); }

  /** The context window of a loaded model, or null. */
  contextLength(id) {
    return this.info(id)?.context_length ?? null;
  }
}
