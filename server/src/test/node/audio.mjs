// Drives a running Muse server's audio endpoints with the official openai client.
// Usage: node audio.mjs BASE_URL WAV   (prints one JSON object with what it saw)
import fs from "node:fs";
import OpenAI from "openai";

const [baseURL, wav] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey: process.env.MUSE_API_KEY ?? "not-needed-on-loopback", maxRetries: 0, timeout: 120_000 });

const plain = await client.audio.transcriptions.create({ file: fs.createReadStream(wav), model: "whisper-1", language: "en" });
const verbose = await client.audio.transcriptions.create({ file: fs.createReadStream(wav), model: "whisper-1",
  response_format: "verbose_json", timestamp_granularities: ["segment"], language: "en" });
const srt = await client.audio.transcriptions.create({ file: fs.createReadStream(wav), model: "whisper-1", response_format: "srt", language: "en" });

let streamed = "";
let done = null;
const stream = await client.audio.transcriptions.create({ file: fs.createReadStream(wav), model: "whisper-1", language: "en", stream: true });
for await (const event of stream) {
  if (event.type === "transcript.text.delta") streamed += event.delta;
  if (event.type === "transcript.text.done") done = event.text;
}

const translation = await client.audio.translations.create({ file: fs.createReadStream(wav), model: "whisper-1" });

let error = null;
try {
  await client.audio.transcriptions.create({ file: fs.createReadStream(wav), model: "whisper-1", language: "xx" });
} catch (e) {
  error = { status: e.status, param: e.param, message: e.message };
}

console.log(JSON.stringify({ plain, verbose, srt, streamed, done, translation, error }));
