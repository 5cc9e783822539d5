// Per-chat settings (system prompt, temperature, max tokens) and the mode switch. They live in the
// conversation's settings on the server: {system_prompt, temperature, max_tokens, muse_tools, mode}.
import { apiKey, forgetApiKey, voices } from './api.js';
import { el } from './dom.js';
import { speechChoices } from './speech.js';

export const MODES = ['instant', 'thinking', 'contemplating'];
const VOICE_MESSAGES = 'muse.voiceMessages';
const STOP_ON_SILENCE = 'muse.stopOnSilence';

/** Whether recording stops by itself once the speaker has been silent a while (the server's VAD says when). */
export function stopsOnSilence() { return localStorage.getItem(STOP_ON_SILENCE) === 'true'; }

/** Whether a recording is sent as a voice message (true) or written into the message box (false, the default). */
export function sendsVoiceMessages() { return localStorage.getItem(VOICE_MESSAGES) === 'true'; }

export class SettingsPanel {
  /** onSave(changes) after the dialog is saved; onMode(mode) when the switch moves. */
  constructor({ onSave, onMode }) {
    this.dialog = document.getElementById('settings-dialog');
    this.system = document.getElementById('setting-system');
    this.temperature = document.getElementById('setting-temperature');
    this.maxTokens = document.getElementById('setting-max-tokens');
    this.museTools = document.getElementById('setting-muse-tools');
    this.forgetKey = document.getElementById('forget-key');
    this.voiceMessages = document.getElementById('setting-voice-messages');
    this.stopOnSilence = document.getElementById('setting-stop-on-silence');
    this.speech = document.getElementById('speech-settings');
    this.voice = document.getElementById('setting-voice');
    this.speed = document.getElementById('setting-speed');
    this.autoSpeak = document.getElementById('setting-auto-speak');
    document.getElementById('open-settings').addEventListener('click', () => this.open());
    document.getElementById('settings-cancel').addEventListener('click', () => this.dialog.close('cancel'));
    this.forgetKey.addEventListener('click', () => {
      forgetApiKey();
      this.forgetKey.hidden = true;
    });
    document.getElementById('settings-form').addEventListener('submit', event => {
      if (event.submitter?.value !== 'save') return;
      const invalid = [this.temperature, this.maxTokens, this.speed].find(input => !input.checkValidity());
      if (invalid) {
        event.preventDefault();
        invalid.reportValidity();
        return;
      }
      if (!this.speech.hidden) {
        speechChoices.voice = this.voice.value;
        speechChoices.speed = Number(this.speed.value) || 1;
        speechChoices.autoSpeak = this.autoSpeak.checked;
      }
      localStorage.setItem(VOICE_MESSAGES, String(this.voiceMessages.checked));
      localStorage.setItem(STOP_ON_SILENCE, String(this.stopOnSilence.checked));
      onSave({
        system_prompt: this.system.value.trim() || null,
        temperature: this.temperature.value === '' ? null : Number(this.temperature.value),
        max_tokens: this.maxTokens.value === '' ? null : Math.round(Number(this.maxTokens.value)),
        muse_tools: this.museTools.checked || null,
      });
    });
    for (const radio of document.querySelectorAll('input[name="mode"]')) radio.addEventListener('change', () => onMode(this.mode));
    this.current = {};
  }

  /** Shows the settings of the open chat. */
  show(settings) {
    this.current = settings ?? {};
    this.mode = MODES.includes(this.current.mode) ? this.current.mode : 'instant';
  }

  open() {
    this.system.value = this.current.system_prompt ?? '';
    this.temperature.value = this.current.temperature ?? '';
    this.maxTokens.value = this.current.max_tokens ?? '';
    this.museTools.checked = this.current.muse_tools === true;
    this.forgetKey.hidden = !apiKey();
    this.voiceMessages.checked = sendsVoiceMessages();
    this.stopOnSilence.checked = stopsOnSilence();
    this.speed.value = speechChoices.speed;
    this.autoSpeak.checked = speechChoices.autoSpeak;
    this.voice.value = [...this.voice.options].some(o => o.value === speechChoices.voice) ? speechChoices.voice : '';
    if (!this.speech.hidden) this.loadVoices();
    this.dialog.showModal();
  }

  /** Shows the reading-aloud settings when the server has a speech synthesis model. */
  speaks(yes) { this.speech.hidden = !yes; }

  /** Fills the voice picker from the server, keeping what is picked (the list may arrive after a choice is made). */
  async loadVoices() {
    const call = this.voicesCall = (this.voicesCall ?? 0) + 1;
    try {
      const list = (await voices()).data;
      if (call !== this.voicesCall) return; // a later call fills it
      const chosen = this.voice.value || speechChoices.voice;
      this.voice.replaceChildren(el('option', { value: '' }, "the model's default"),
        ...list.map(v => el('option', { value: v.id }, v.default ? `${v.id} (default)` : v.id)));
      this.voice.value = list.some(v => v.id === chosen) ? chosen : '';
    } catch {
      // the list stays as it was: the default voice still speaks
    }
  }

  get mode() { return document.querySelector('input[name="mode"]:checked')?.value ?? 'instant'; }

  set mode(mode) { document.getElementById(`mode-${mode}`).checked = true; }
}
