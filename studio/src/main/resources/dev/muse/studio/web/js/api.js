// Talking to the Muse server: JSON calls, the chat stream (server-sent events) and the API key.
// Errors come in two kinds the UI treats differently: ApiError is the server refusing (OpenAI's
// {"error": {...}} body, whose message the UI shows as is); NetworkError is the server being unreachable.

const KEY_STORAGE = 'muse.apiKey';

/**
 * The server refused a request; message, code and param are the server's own. {@code midStream} is true
 * for an error the server sent inside an answer it had begun (after the status line).
 */
export class ApiError extends Error {
  constructor(status, body, midStream = false) {
    const error = body && typeof body === 'object' && body.error ? body.error : {};
    super(typeof error.message === 'string' && error.message ? error.message : `The server answered with status ${status}.`);
    this.name = 'ApiError';
    this.status = status;
    this.code = error.code ?? null;
    this.param = error.param ?? null;
    this.midStream = midStream;
  }
}

/** The server could not be reached, or (midStream) an answer broke off: a stopped or restarting server. */
export class NetworkError extends Error {
  constructor(message, midStream = false) {
    super(message);
    this.name = 'NetworkError';
    this.midStream = midStream;
  }
}

const listeners = { keyNeeded: null, unreachable: () => {} };
let keyPrompt = null; // one prompt at a time, however many requests were refused

/** {@code ask(message)} shows the key prompt and resolves to the key entered, or null when cancelled. */
export function onKeyNeeded(ask) { listeners.keyNeeded = ask; }

/** Called whenever a request finds the server unreachable. */
export function onUnreachable(callback) { listeners.unreachable = callback; }

export function apiKey() { return localStorage.getItem(KEY_STORAGE); }

export function forgetApiKey() { localStorage.removeItem(KEY_STORAGE); }

async function askForKey(message) {
  if (!listeners.keyNeeded) return null;
  keyPrompt ??= listeners.keyNeeded(message).finally(() => { keyPrompt = null; });
  const key = await keyPrompt;
  if (key) localStorage.setItem(KEY_STORAGE, key);
  return key;
}

/**
 * Sends a request (a JSON body, or FormData as multipart), asking for a key and retrying while the server answers
 * 401; returns an OK response.
 */
async function send(method, path, body, signal) {
  const form = body instanceof FormData;
  const payload = body === undefined ? undefined : form ? body : JSON.stringify(body);
  for (;;) {
    const headers = {};
    if (payload !== undefined && !form) headers['Content-Type'] = 'application/json';
    const key = apiKey();
    if (key) headers.Authorization = `Bearer ${key}`;
    let response;
    try {
      response = await fetch(path, { method, headers, body: payload, signal });
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      listeners.unreachable();
      throw new NetworkError('Cannot reach the Muse server. It may be stopped or restarting.');
    }
    if (response.ok) return response;
    const error = new ApiError(response.status, await response.json().catch(() => null));
    if (response.status === 401 && await askForKey(error.message)) continue;
    throw error;
  }
}

/** A JSON call: resolves to the parsed body. */
export async function call(method, path, body) {
  const response = await send(method, path, body);
  return response.json();
}

/**
 * POSTs a streaming request and yields each event's JSON until [DONE]. An error event the server sends
 * mid-stream (once the status line is gone) is thrown as an ApiError; a stream that breaks off as a NetworkError.
 */
export async function* stream(path, body, signal) {
  const response = await send('POST', path, body, signal);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      let chunk;
      try {
        chunk = await reader.read();
      } catch (e) {
        if (e.name === 'AbortError') throw e;
        listeners.unreachable();
        throw new NetworkError('The connection to the Muse server broke off mid-answer.', true);
      }
      if (chunk.done) break;
      buffer += chunk.value;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = event.split('\n').filter(line => line.startsWith('data:')).map(line => line.slice(5).trimStart()).join('\n');
        if (!data) continue;
        if (data === '[DONE]') {
          // Read to the end rather than cancel: a cancelled response shows up as a failed request.
          while (!(await reader.read().catch(() => ({ done: true }))).done);
          return;
        }
        const parsed = JSON.parse(data);
        if (parsed.error) throw new ApiError(response.status, parsed, true);
        yield parsed;
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  listeners.unreachable();
  throw new NetworkError('The answer stopped before the server finished it (the server may have stopped).', true);
}

/**
 * What the server's speech model hears in a recording (any container it reads: the browser's WebM, WAV, ...):
 * OpenAI's transcription endpoint, with "whisper-1" standing for the first speech model on offer.
 */
export async function transcribe(blob, name, signal) {
  return (await hear(blob, name, false, signal)).text ?? '';
}

/**
 * What was said in a recording so far, with its segments' times and its length (verbose_json); with {@code vad},
 * only the speech the server's voice activity detector finds is transcribed, so the last segment ends where the
 * speaking stopped.
 */
export async function hear(blob, name, vad, signal) {
  const form = new FormData();
  form.append('model', 'whisper-1');
  form.append('file', blob, name);
  form.append('response_format', 'verbose_json');
  if (vad) form.append('vad', 'true');
  const response = await send('POST', 'v1/audio/transcriptions', form, signal);
  return response.json();
}

/**
 * What a file's content credentials say (C2PA, checked by the server): {status: none | valid | tampered | invalid,
 * summary, c2pa: {trusted, ai_generated, signer, generator, actions: [{action, model}], problems}}.
 */
export async function verifyProvenance(blob) {
  const form = new FormData();
  form.append('file', blob, 'file');
  return (await send('POST', 'v1/provenance/verify', form)).json();
}

/**
 * Text said aloud by the server's first speech synthesis model ("tts-1"): the response, whose body is 16-bit mono PCM
 * at 24 kHz sent piece by piece as each is made.
 */
export async function speak(text, { voice, speed }, signal) {
  return send('POST', 'v1/audio/speech', { model: 'tts-1', input: text, voice: voice || undefined, speed, response_format: 'pcm' }, signal);
}

/** The voices of the server's first speech synthesis model: {data: [{id, default}]}. */
export async function voices() {
  return call('GET', 'v1/audio/voices?model=tts-1');
}

/** Whether the server answers at all (no key needed). */
export async function healthy() {
  try {
    const response = await fetch('health', { cache: 'no-store' });
    return response.ok;
  } catch {
    return false;
  }
}
