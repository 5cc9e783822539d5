// Read-aloud: an answer said by the server's speech model, played as its pieces arrive (raw 16-bit PCM at 24 kHz,
// each piece scheduled right after the one before on one AudioContext), stopped on request, and kept for download
// as a WAV file once whole. One answer speaks at a time.
import { speak } from './api.js';

const RATE = 24000;
const VOICE = 'muse.voice', SPEED = 'muse.speed', AUTO_SPEAK = 'muse.autoSpeak';

/** The voice, pace and auto-speak choices, kept in this browser. */
export const speechChoices = {
  get voice() { return localStorage.getItem(VOICE) || ''; },
  set voice(v) { localStorage.setItem(VOICE, v); },
  get speed() { return Number(localStorage.getItem(SPEED)) || 1; },
  set speed(v) { localStorage.setItem(SPEED, String(v)); },
  get autoSpeak() { return localStorage.getItem(AUTO_SPEAK) === 'true'; },
  set autoSpeak(v) { localStorage.setItem(AUTO_SPEAK, String(v)); },
};

export class Speaker {
  /** onChange() whenever what is speaking (or what can be downloaded) changes, so buttons can be redrawn. */
  constructor({ onChange, onError }) {
    Object.assign(this, { onChange, onError });
    this.current = null; // {key, controller, context, samples (Int16 pieces), scheduled, done}
    this.spoken = new Map(); // key -> WAV blob URL of an answer said to its end
  }

  /** Whether the answer with this key is being said. */
  speaking(key) { return this.current?.key === key && !this.current.done; }

  /** A WAV file of the answer, once it was said to its end (null before). */
  download(key) { return this.spoken.get(key) ?? null; }

  /** Says the text, or stops it when it is the one speaking. */
  toggle(key, text) {
    if (this.speaking(key)) this.stop();
    else this.say(key, text);
  }

  stop() {
    if (!this.current) return;
    this.current.controller.abort();
    this.current.context.close().catch(() => {});
    this.current.done = true;
    this.current = null;
    this.onChange();
  }

  async say(key, text) {
    this.stop();
    const spoken = plain(text);
    if (!spoken) return;
    // the context is made on the click (a user gesture), so the browser lets it play
    const context = new AudioContext({ sampleRate: RATE });
    const run = { key, controller: new AbortController(), context, pieces: [], samples: 0, next: 0, done: false };
    this.current = run;
    window.museSpeech = { state: () => context.state, samples: () => run.samples, key };
    this.onChange();
    try {
      const response = await speak(spoken, { voice: speechChoices.voice, speed: speechChoices.speed }, run.controller.signal);
      const reader = response.body.getReader();
      let carry = null; // an odd byte left over between chunks
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        let bytes = value;
        if (carry !== null) {
          bytes = new Uint8Array(value.length + 1);
          bytes[0] = carry;
          bytes.set(value, 1);
          carry = null;
        }
        if (bytes.length % 2) {
          carry = bytes[bytes.length - 1];
          bytes = bytes.subarray(0, bytes.length - 1);
        }
        if (bytes.length) this.play(run, new Int16Array(bytes.slice().buffer));
      }
      if (this.current !== run) return;
      this.spoken.set(key, URL.createObjectURL(wav(run.pieces)));
      // done once the last piece has played
      const left = Math.max(0, run.next - context.currentTime);
      setTimeout(() => {
        if (this.current !== run) return;
        run.done = true;
        this.current = null;
        context.close().catch(() => {});
        this.onChange();
      }, left * 1000 + 50);
      this.onChange();
    } catch (e) {
      if (e.name === 'AbortError') return;
      if (this.current === run) this.stop();
      this.onError(e);
    }
  }

  /** Schedules a piece right after the one before (or now, when playback has caught up). */
  play(run, pcm) {
    run.pieces.push(pcm);
    run.samples += pcm.length;
    const buffer = run.context.createBuffer(1, pcm.length, RATE);
    const channel = buffer.getChannelData(0);
    for (let i = 0; i < pcm.length; i++) channel[i] = pcm[i] / 32768;
    const source = run.context.createBufferSource();
    source.buffer = buffer;
    source.connect(run.context.destination);
    run.next = Math.max(run.next, run.context.currentTime + 0.02);
    source.start(run.next);
    run.next += buffer.duration;
  }
}

/** The words of a markdown answer: code, marks, links' targets and images left out. */
function plain(markdown) {
  return markdown.replace(/```[\s\S]*?```/g, ' ').replace(/!\[[^\]]*\]\([^)]*\)/g, ' ').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*_~#>|]/g, ' ').replace(/\s+/g, ' ').trim();
}

/** 16-bit mono PCM pieces as a WAV file. */
function wav(pieces) {
  const samples = pieces.reduce((n, p) => n + p.length, 0);
  const view = new DataView(new ArrayBuffer(44 + 2 * samples));
  const text = (at, s) => [...s].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  text(0, 'RIFF'); view.setUint32(4, 36 + 2 * samples, true); text(8, 'WAVEfmt '); view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); view.setUint16(22, 1, true); view.setUint32(24, RATE, true); view.setUint32(28, 2 * RATE, true);
  view.setUint16(32, 2, true); view.setUint16(34, 16, true); text(36, 'data'); view.setUint32(40, 2 * samples, true);
  let at = 44;
  for (const p of pieces) for (const s of p) { view.setInt16(at, s, true); at += 2; }
  return new Blob([view], { type: 'audio/wav' });
}
