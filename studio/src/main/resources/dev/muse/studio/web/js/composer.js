// The message box: text, attachments (file picker, drag and drop, paste, microphone), send and stop.
import { el, formatBytes, iconButton } from './dom.js';
import { AttachmentError, Recorder, attachmentFrom } from './media.js';

export class Composer {
  /** onSend({text, attachments}) is called with what to send; onStop() while an answer streams. */
  constructor({ onSend, onStop }) {
    this.onSend = onSend;
    this.onStop = onStop;
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
  }

  async toggleRecording() {
    if (!this.recorder.recording) {
      try {
        await this.recorder.start();
      } catch (e) {
        this.note(e.message);
        return;
      }
      this.recordButton.setAttribute('aria-pressed', 'true');
      this.recordButton.setAttribute('aria-label', 'Stop recording');
      const started = Date.now();
      const tick = () => {
        const seconds = Math.floor((Date.now() - started) / 1000);
        this.note(`Recording ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}. Press the microphone again to stop.`, 'info');
      };
      tick();
      this.recordingClock = setInterval(tick, 1000);
      return;
    }
    clearInterval(this.recordingClock);
    this.recordButton.setAttribute('aria-pressed', 'false');
    this.recordButton.setAttribute('aria-label', 'Record audio');
    this.note('');
    try {
      const file = await this.recorder.stop();
      if (file) await this.add([file]);
    } catch (e) {
      if (!(e instanceof AttachmentError)) throw e;
      this.note(e.message);
    }
  }
}
