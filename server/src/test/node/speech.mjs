// Drives a running Muse server's speech endpoint with the official openai client.
// Usage: node speech.mjs BASE_URL OUT_DIR   (writes speech.wav, .flac, .pcm, .mp3 and .opus there; prints one JSON object with what it saw)
import fs from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import OpenAI from "openai";

const [baseURL, out] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey: process.env.MUSE_API_KEY ?? "not-needed-on-loopback", maxRetries: 0, timeout: 120_000 });

const wav = await client.audio.speech.create({ model: "tts-1", voice: "test", input: "Hello world. Muse speaks.", response_format: "wav" });
const wavBytes = Buffer.from(await wav.arrayBuffer());
fs.writeFileSync(`${out}/speech.wav`, wavBytes);

// lossless FLAC
const flac = await client.audio.speech.create({ model: "kokoro", voice: "af_test", input: "Hello world. Muse speaks.", response_format: "flac" });
fs.writeFileSync(`${out}/speech.flac`, Buffer.from(await flac.arrayBuffer()));

// raw samples streamed to a file as the pieces come
const pcm = await client.audio.speech.create({ model: "kokoro", voice: "af_test", input: "Hello world. Muse speaks.", response_format: "pcm",
  speed: 1.25, instructions: "Speak cheerfully." });
await pipeline(Readable.fromWeb(pcm.body), fs.createWriteStream(`${out}/speech.pcm`));
const note = pcm.headers.get("x-muse-note");

// MP3, OpenAI's default format, and Ogg Opus, each streamed to a file as the pieces come
const mp3 = await client.audio.speech.create({ model: "kokoro", voice: "af_test", input: "Hello world. Muse speaks." });
await pipeline(Readable.fromWeb(mp3.body), fs.createWriteStream(`${out}/speech.mp3`));
const opus = await client.audio.speech.create({ model: "kokoro", voice: "af_test", input: "Hello world. Muse speaks.", response_format: "opus" });
await pipeline(Readable.fromWeb(opus.body), fs.createWriteStream(`${out}/speech.opus`));

// server-sent events of base64 audio: raw samples, then Ogg Opus pages
async function events(response_format) {
  const sse = await client.audio.speech.create({ model: "kokoro", input: "Hello world. Muse speaks.", response_format, stream_format: "sse" });
  return (await sse.text()).split("\n\n").filter((e) => e.startsWith("data: ")).map((e) => JSON.parse(e.slice(6)));
}
const pcmEvents = await events("pcm");
const deltas = pcmEvents.filter((e) => e.type === "speech.audio.delta").map((e) => Buffer.from(e.audio, "base64").length);
const done = pcmEvents.find((e) => e.type === "speech.audio.done");
const opusEvents = (await events("opus")).filter((e) => e.type === "speech.audio.delta").map((e) => Buffer.from(e.audio, "base64"));
fs.writeFileSync(`${out}/sse.opus`, Buffer.concat(opusEvents));

let error = null;
try {
  await client.audio.speech.create({ model: "kokoro", voice: "nobody", input: "hi" });
} catch (e) {
  error = { status: e.status, param: e.param, message: e.message };
}
let format = null;
try {
  await client.audio.speech.create({ model: "kokoro", input: "hi", response_format: "aac" });
} catch (e) {
  format = { status: e.status, param: e.param, message: e.message };
}
console.log(JSON.stringify({ wavBytes: wavBytes.length, contentType: wav.headers.get("content-type"), flacType: flac.headers.get("content-type"),
  mp3Type: mp3.headers.get("content-type"), opusType: opus.headers.get("content-type"), opusDeltas: opusEvents.length, note, deltas, done, error, format }));
