// The message box: text, attachments (file picker, drag and drop, paste), the microphone, send and stop.
import { el, formatBytes, iconButton } from './dom.js';
import { hear, transcribe } from './api.js';
import { AttachmentError, Recorder, attachmentFrom, toWav } from './media.js';
import { sendsVoiceMessages, stopsOnSilence } from './settings.js';

/** Seconds of silence after speech that end a spoken turn, with "Stop recording when I stop talking" on. */
const SILENCE_ENDS_TURN = 1.5;

export class Composer {
  /**
   * onSend({text, attachments}) is called with what to send; onStop() while an answer streams; onAttachments(list)
   * whenever the attachments change.
   */
  constructor({ onSend, onStop, onAttachments = () => {} }) {
    this.onSend = onSend;
    this.onStop = onStop;
    this.onAttachments = onAttachments;
    this.attachments = [];
    this.busy = false;
    this.recorder = new Recorder();
    this.form = document.getElementById('composer');
    this.input = document.getElementById('composer-input');
    this.tray = document.getElementById('attachment-tray');
    this.noteLine = document.getElementById('composer-note');
    this.sendButton = document.getElementById('send');
    this.stopButton = document.getElementById('stop');
    this.recordButton = document.getElementById('record');
    this.fileInput = document.getElementById('file-input');
    this.overlay = document.getElementById('drop-overlay');
    this.wire();
  }

  wire() {
    this.form.addEventListener('submit', event => {
      event.preventDefault();
      this.send();
    });
    this.input.addEventListener('keydown', event => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.send();
      } else if (event.key === 'Escape' && this.busy) {
        this.onStop();
      }
    });
    this.input.addEventListener('input', () => this.fit());
    this.input.addEventListener('paste', event => {
      const files = [...(event.clipboardData?.files ?? [])];
      if (files.length) {
        event.preventDefault();
        this.add(files);
      }
    });
    this.stopButton.addEventListener('click', () => this.onStop());
    document.getElementById('attach').addEventListener('click', () => this.fileInput.click());
    this.fileInput.addEventListener('change', () => {
      this.add([...this.fileInput.files]);
      this.fileInput.value = '';
    });
    this.recordButton.addEventListener('click', () => this.toggleRecording());
    this.recordingPanel = document.getElementById('recording');
    this.level = document.getElementById('record-level');
    this.clock = document.getElementById('record-clock');
    this.heard = document.getElementById('record-heard');
    document.getElementById('record-cancel').addEventListener('click', () => this.cancelRecording());
    document.addEventListener('keydown', event => {
      if (event.key === 'Escape' && this.recorder.recording) this.cancelRecording();
    });
    const main = document.getElementById('main');
    let depth = 0; // dragenter/dragleave fire for every child crossed
    const carriesFiles = event => [...(event.dataTransfer?.types ?? [])].includes('Files');
    main.addEventListener('dragenter', event => {
      if (!carriesFiles(event)) return;
      depth++;
      this.overlay.hidden = false;
    });
    main.addEventListener('dragleave', () => {
      if (depth > 0 && --depth === 0) this.overlay.hidden = true;
    });
    main.addEventListener('dragover', event => {
      if (carriesFiles(event)) event.preventDefault();
    });
    main.addEventListener('drop', event => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      depth = 0;
      this.overlay.hidden = true;
      this.add([...event.dataTransfer.files]);
    });
  }

  /** Grows the box with its text, up to the CSS max-height. */
  fit() {
    this.input.style.height = 'auto';
    this.input.style.height = `${this.input.scrollHeight}px`;
  }

  send() {
    if (this.busy) return;
    const text = this.input.value.trim();
    if (!text && this.attachments.length === 0) return;
    const attachments = this.attachments;
    this.attachments = [];
    this.input.value = '';
    this.fit();
    this.renderTray();
    this.note('');
    this.onSend({ text, attachments });
  }

  /** Puts a message back in the box (editing a message that was not sent). */
  fill(text, attachments) {
    this.input.value = text;
    this.attachments = attachments;
    this.renderTray();
    this.fit();
    this.input.focus();
  }

  setBusy(busy) {
    this.busy = busy;
    this.sendButton.hidden = busy;
    this.stopButton.hidden = !busy;
    if (!busy && document.activeElement === document.body) this.input.focus();
  }

  /** A line under the box: an error (default) or information. */
  note(text, kind = 'error') {
    this.noteLine.textContent = text;
    this.noteLine.classList.toggle('info', kind === 'info');
  }

  async add(files) {
    const problems = [];
    for (const file of files) {
      try {
        const used = this.attachments.reduce((sum, a) => sum + a.size, 0);
        this.attachments.push(await attachmentFrom(file, used));
      } catch (e) {
        if (!(e instanceof AttachmentError)) throw e;
        problems.push(e.message);
      }
    }
    this.renderTray();
    this.note(problems.join(' '));
  }

  renderTray() {
    this.tray.replaceChildren(...this.attachments.map(a => el('li', { class: 'attachment' },
      a.kind === 'image' ? el('img', { src: a.url, alt: '' }) : el('audio', { src: a.url, controls: true, 'aria-label': a.name }),
      el('span', { class: 'name', title: a.name }, `${a.name} · ${formatBytes(a.size)}`),
      iconButton('close', `Remove ${a.name}`, () => {
        this.attachments = this.attachments.filter(other => other !== a);
        this.renderTray();
        this.input.focus();
      }))));
    this.tray.hidden = this.attachments.length === 0;
    this.onAttachments(this.attachments);
  }

  /**
   * The microphone: while recording, a level meter, the time, and what the speech model hears so far (the
   * recording is sent again every few seconds); on stop, the words go into the message box, or the recording is
   * sent as a voice message (a setting). Cancel (or Escape) throws it away.
   */
  async toggleRecording() {
    if (this.recorder.recording) return this.finishRecording();
    try {
      await this.recorder.start();
    } catch (e) {
      this.note(e.message);
      return;
    }
    this.note('');
    this.recordButton.setAttribute('aria-pressed', 'true');
    this.recordButton.setAttribute('aria-label', 'Stop recording');
    this.recordingPanel.hidden = false;
    this.heard.textContent = 'Listening…';
    const started = Date.now();
    let hearing = null, lastHeard = 0;
    this.recordingTimer = setInterval(() => {
      const seconds = Math.floor((Date.now() - started) / 1000);
      this.clock.textContent = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
      this.level.value = this.recorder.level();
      const soFar = this.recorder.soFar();
      if (!hearing && soFar && Date.now() - lastHeard > 2500) { // one request at a time, on what was said so far
        lastHeard = Date.now();
        const stopOnSilence = stopsOnSilence();
        hearing = hear(soFar, 'recording.webm', stopOnSilence)
          .then(heard => {
            if (!this.recorder.recording) return;
            if (heard.text) this.heard.textContent = heard.text.trim();
            // the turn is over once the speech the server found ended a while before the recording so far does
            const segments = heard.segments ?? [];
            if (stopOnSilence && segments.length && heard.duration - segments[segments.length - 1].end >= SILENCE_ENDS_TURN) this.finishRecording();
          })
          .catch(e => { if (this.recorder.recording) this.heard.textContent = `(not heard: ${e.message})`; })
          .finally(() => { hearing = null; });
      }
    }, 100);
  }

  stopRecordingUi() {
    clearInterval(this.recordingTimer);
    this.recordingPanel.hidden = true;
    this.recordButton.setAttribute('aria-pressed', 'false');
    this.recordButton.setAttribute('aria-label', 'Record audio');
  }

  cancelRecording() {
    this.recorder.cancel();
    this.stopRecordingUi();
    this.note('Recording thrown away.', 'info');
  }

  async finishRecording() {
    if (!this.recorder.recording) return;
    this.stopRecordingUi();
    const recording = await this.recorder.stop();
    if (!recording) return;
    if (sendsVoiceMessages()) {
      const stamp = new Date().toTimeString().slice(0, 8).replaceAll(':', '');
      const name = `voice-${stamp}.wav`;
      await this.add([new File([await toWav(recording, name).catch(() => recording)], name, { type: 'audio/wav' })]);
      if (this.attachments.length) this.send();
      return;
    }
    this.note('Writing down what you said…', 'info');
    try {
      const text = (await transcribe(recording, 'recording.webm')).trim();
      this.note(text ? '' : 'Nothing was heard in the recording.', 'info');
      if (text) {
        this.input.value = this.input.value.trim() ? `${this.input.value.trim()} ${text}` : text;
        this.fit();
        this.input.focus();
      }
    } catch (e) {
      this.note(`The recording could not be written down: ${e.message}`);
    }
  }
}
