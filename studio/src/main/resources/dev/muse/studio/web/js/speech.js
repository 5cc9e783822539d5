// Read-aloud: an answer said by the server's speech model, played as its pieces arrive (raw 16-bit PCM at 24 kHz,
// each piece scheduled right after the one before on one AudioContext), stopped on request, and kept for download
// as a WAV file once whole. With auto-speak, an answer is said while it is being written, a run of finished
// sentences at a time. One answer speaks at a time.
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

  /** Says a whole text (an answer already written). */
  say(key, text) {
    if (!plain(text)) return;
    this.follow(key).end(text);
  }

  /**
   * Starts saying an answer that may still be being written: add(text) with the text so far says each sentence it
   * finishes, in order, while the rest is written (one request per run of sentences, each played right after the one
   * before); end(text) says what is left and ends it.
   */
  follow(key) {
    this.stop();
    // made on the person's click or send (a user gesture) where possible, so the browser lets it play
    const context = new AudioContext({ sampleRate: RATE });
    const run = { key, controller: new AbortController(), context, pieces: [], samples: 0, next: 0, done: false };
    this.current = run;
    window.museSpeech = { state: () => context.state, samples: () => run.samples, key };
    this.onChange();
    let said = 0, queue = Promise.resolve();
    const sayUpTo = (text, cut) => {
      const words = plain(text.slice(said, cut));
      said = cut;
      if (words) queue = queue.then(() => this.fetchInto(run, words));
    };
    return {
      add: text => {
        if (this.current !== run) return;
        const cut = sentencesEnd(text, said);
        if (cut > said) sayUpTo(text, cut);
      },
      end: text => {
        if (this.current !== run) return;
        sayUpTo(text, text.length);
        queue.then(() => this.finish(run)).catch(e => {
          if (e.name === 'AbortError') return;
          if (this.current === run) this.stop();
          this.onError(e);
        });
      },
    };
  }

  /** The answer with key {@code from} is now stored as {@code to}: what is speaking or said follows it. */
  rename(from, to) {
    if (this.current?.key === from) this.current.key = to;
    if (this.spoken.has(from)) {
      this.spoken.set(to, this.spoken.get(from));
      this.spoken.delete(from);
    }
    this.onChange();
  }

  /** Asks the server to say the words and plays the pieces as they arrive (raw PCM, split anywhere between chunks). */
  async fetchInto(run, words) {
    if (this.current !== run) return;
    const response = await speak(words, { voice: speechChoices.voice, speed: speechChoices.speed }, run.controller.signal);
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
  }

  /** Keeps the whole speech for download and ends the run once its last piece has played. */
  finish(run) {
    if (this.current !== run) return;
    this.spoken.set(run.key, URL.createObjectURL(wav(run.pieces)));
    const left = Math.max(0, run.next - run.context.currentTime);
    setTimeout(() => {
      if (this.current !== run) return;
      run.done = true;
      this.current = null;
      run.context.close().catch(() => {});
      this.onChange();
    }, left * 1000 + 50);
    this.onChange();
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

/**
 * Where the finished sentences of a text being written end, from {@code from} on: after the last sentence mark (or
 * line break) that whitespace follows, outside a code block; {@code from} when none has finished yet.
 */
function sentencesEnd(text, from) {
  let cut = from;
  for (const m of text.slice(from).matchAll(/[.!?:;]["'\u201d\u2019)\]]*\s+|\n+/g)) cut = from + m.index + m[0].length;
  while (cut > from && (text.slice(0, cut).match(/```/g) ?? []).length % 2) { // inside a code block: back to before it
    cut = text.lastIndexOf('```', cut - 1);
    if (cut < from) return from;
  }
  return cut;
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
