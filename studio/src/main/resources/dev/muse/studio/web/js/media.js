// Attachments: images and audio become OpenAI content parts. Images are sent as they are (image_url with a
// data: URL); audio as input_audio, whose formats are wav and mp3, so recordings and other audio files are
// decoded by the browser and re-encoded as 16 kHz mono WAV first.
import { formatBytes } from './dom.js';

/**
 * What one message may carry in attachments, before encoding. The server takes request bodies of up to
 * 8 MiB by default and base64 makes attachments a third larger, so 5 MB leaves room for the text.
 */
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/gif']);
const WAV_TYPES = new Set(['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/vnd.wave']);
const MP3_TYPES = new Set(['audio/mpeg', 'audio/mp3']);
const SPEECH_RATE = 16000;

/** A file the composer cannot attach; the message says why, for the person. */
export class AttachmentError extends Error {}

/** Too big, alone or with what is already attached. */
export function sizeError(name, size, alreadyAttached = 0) {
  const together = alreadyAttached > 0 ? ` (with the ${formatBytes(alreadyAttached)} already attached)` : '';
  return new AttachmentError(`"${name}" is ${formatBytes(size)}${together}: attachments can add up to at most `
    + `${formatBytes(MAX_ATTACHMENT_BYTES)} per message, the most the server's request limit leaves room for.`);
}

/**
 * Turns a picked, dropped, pasted or recorded file into an attachment:
 * {kind: 'image'|'audio', name, size, url (to preview), part (the content part to send)}.
 */
export async function attachmentFrom(file, alreadyAttached = 0) {
  const name = file.name || (file.type.startsWith('image/') ? 'pasted image' : 'audio');
  if (file.type.startsWith('image/')) {
    if (!IMAGE_TYPES.has(file.type)) throw new AttachmentError(`"${name}" is a ${file.type} image: attach PNG, JPEG, WebP or GIF.`);
    if (file.size + alreadyAttached > MAX_ATTACHMENT_BYTES) throw sizeError(name, file.size, alreadyAttached);
    const url = await dataUrl(file);
    return { kind: 'image', name, size: file.size, url, part: { type: 'image_url', image_url: { url } } };
  }
  if (file.type.startsWith('audio/') || file.type === 'video/webm' || /\.(wav|mp3|ogg|oga|opus|m4a|webm|flac|aac)$/i.test(name)) {
    let blob = file;
    let format = WAV_TYPES.has(file.type) || /\.wav$/i.test(name) ? 'wav' : MP3_TYPES.has(file.type) || /\.mp3$/i.test(name) ? 'mp3' : null;
    if (!format) {
      blob = await toWav(file, name);
      format = 'wav';
    }
    if (blob.size + alreadyAttached > MAX_ATTACHMENT_BYTES) throw sizeError(name, blob.size, alreadyAttached);
    const url = await dataUrl(new Blob([blob], { type: format === 'wav' ? 'audio/wav' : 'audio/mpeg' }));
    return { kind: 'audio', name, size: blob.size, url, part: { type: 'input_audio', input_audio: { data: url.slice(url.indexOf(',') + 1), format } } };
  }
  throw new AttachmentError(`"${name}" is neither an image nor audio: attach PNG, JPEG, WebP or GIF images, or audio.`);
}

function dataUrl(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(new AttachmentError('The file could not be read.'));
    reader.readAsDataURL(blob);
  });
}

/** Decodes any audio the browser can play and re-encodes it as 16-bit PCM WAV, mono at 16 kHz (what speech models take). */
export async function toWav(blob, name = 'audio') {
  let decoded;
  try {
    decoded = await new OfflineAudioContext(1, 1, SPEECH_RATE).decodeAudioData(await blob.arrayBuffer());
  } catch {
    throw new AttachmentError(`"${name}" could not be decoded as audio by this browser.`);
  }
  const frames = Math.max(1, Math.ceil(decoded.duration * SPEECH_RATE));
  const context = new OfflineAudioContext(1, frames, SPEECH_RATE);
  const source = context.createBufferSource();
  source.buffer = decoded; // the context mixes the channels down to mono and resamples
  source.connect(context.destination);
  source.start();
  const rendered = await context.startRendering();
  return encodeWav(rendered.getChannelData(0), SPEECH_RATE);
}

function encodeWav(samples, rate) {
  const bytes = new DataView(new ArrayBuffer(44 + samples.length * 2));
  const text = (offset, s) => { for (let k = 0; k < s.length; k++) bytes.setUint8(offset + k, s.charCodeAt(k)); };
  text(0, 'RIFF');
  bytes.setUint32(4, 36 + samples.length * 2, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  bytes.setUint32(16, 16, true); // PCM header size
  bytes.setUint16(20, 1, true); // PCM
  bytes.setUint16(22, 1, true); // mono
  bytes.setUint32(24, rate, true);
  bytes.setUint32(28, rate * 2, true); // bytes per second
  bytes.setUint16(32, 2, true); // bytes per frame
  bytes.setUint16(34, 16, true); // bits per sample
  text(36, 'data');
  bytes.setUint32(40, samples.length * 2, true);
  for (let k = 0; k < samples.length; k++) {
    const s = Math.max(-1, Math.min(1, samples[k]));
    bytes.setInt16(44 + k * 2, s < 0 ? s * 0x8000 : s * 0x7fff, true);
  }
  return new Blob([bytes], { type: 'audio/wav' });
}

/**
 * Microphone recording in the browser's own format (WebM/Opus in Chromium and Firefox), in one-second slices so
 * that what was said so far can be heard while recording goes on: start(), soFar(), level(), then stop() (the
 * recording) or cancel().
 */
export class Recorder {
  #recorder = null;
  #chunks = [];
  #stream = null;
  #context = null;
  #analyser = null;
  #levels = null;

  get recording() { return this.#recorder !== null; }

  async start() {
    if (!navigator.mediaDevices?.getUserMedia || typeof MediaRecorder === 'undefined')
      throw new AttachmentError('This browser cannot record audio here (recording needs https or localhost).');
    try {
      this.#stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (e) {
      throw new AttachmentError(e.name === 'NotAllowedError' ? 'Microphone access was denied.' : `No microphone could be opened (${e.message}).`);
    }
    this.#chunks = [];
    this.#recorder = new MediaRecorder(this.#stream);
    this.#recorder.ondataavailable = event => { if (event.data.size) this.#chunks.push(event.data); };
    this.#recorder.start(1000);
    this.#context = new AudioContext();
    this.#analyser = this.#context.createAnalyser();
    this.#analyser.fftSize = 1024;
    this.#levels = new Float32Array(this.#analyser.fftSize);
    this.#context.createMediaStreamSource(this.#stream).connect(this.#analyser);
    // Routed on, silenced, to the output: a graph that ends nowhere is not run, and the meter would stay still.
    const mute = this.#context.createGain();
    mute.gain.value = 0;
    this.#analyser.connect(mute).connect(this.#context.destination);
    await this.#context.resume().catch(() => {});
  }

  /** The loudness now, 0 to 1 (the signal's RMS, scaled so speech fills the meter). */
  level() {
    if (!this.#analyser) return 0;
    this.#analyser.getFloatTimeDomainData(this.#levels);
    let sum = 0;
    for (const v of this.#levels) sum += v * v;
    return Math.min(1, Math.sqrt(sum / this.#levels.length) * 4);
  }

  /** What was recorded so far, as a file the server reads (the slices so far form a whole WebM file). */
  soFar() {
    return this.#chunks.length ? new Blob(this.#chunks, { type: this.#recorder?.mimeType || 'audio/webm' }) : null;
  }

  /** Stops and resolves to the whole recording (a Blob in the browser's format), or null when nothing was recorded. */
  async stop() {
    const recorder = this.#recorder;
    if (!recorder) return null;
    const stopped = new Promise(resolve => { recorder.onstop = resolve; });
    recorder.stop();
    await stopped;
    this.#release();
    return this.#chunks.length ? new Blob(this.#chunks, { type: recorder.mimeType }) : null;
  }

  /** Stops and throws the recording away. */
  cancel() {
    if (!this.#recorder) return;
    this.#recorder.ondataavailable = null;
    this.#recorder.stop();
    this.#release();
    this.#chunks = [];
  }

  #release() {
    this.#stream.getTracks().forEach(track => track.stop());
    this.#context?.close();
    this.#context = this.#analyser = null;
    this.#recorder = null;
  }
}

/** Parts of stored or sent content that are media, with what is needed to show them. */
export function mediaOf(content) {
  if (!Array.isArray(content)) return [];
  const media = [];
  for (const part of content) {
    if (part?.type === 'image_url') {
      const url = typeof part.image_url === 'string' ? part.image_url : part.image_url?.url;
      // Only inline images are shown: a remote URL from a model would be fetched by the browser (and the page's policy forbids it).
      if (typeof url === 'string' && /^data:image\/(png|jpeg|webp|gif);base64,/i.test(url)) media.push({ kind: 'image', url, type: url.slice(5, url.indexOf(';')), part });
      else media.push({ kind: 'missing', label: 'an image that is not stored inline', part });
    } else if (part?.type === 'input_audio') {
      const audio = part.input_audio ?? {};
      const format = audio.format === 'mp3' ? 'mpeg' : 'wav';
      if (typeof audio.data === 'string')
        media.push({ kind: 'audio', url: `data:audio/${format};base64,${audio.data}`, type: `audio/${format}`, transcript: part.transcript, part });
    }
  }
  return media;
}

/** The text of content: a string, or its text parts joined. */
export function textOf(content) {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.filter(part => part?.type === 'text' && typeof part.text === 'string').map(part => part.text).join('\n');
}
