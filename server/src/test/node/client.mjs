// Drives a running Muse server with the official openai client: list models, a chat, a streamed chat.
// Usage: node client.mjs BASE_URL MODEL   (prints one JSON object with what it saw)
import OpenAI from "openai";

const [baseURL, model] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey: process.env.MUSE_API_KEY ?? "not-needed-on-loopback", maxRetries: 0, timeout: 60_000 });
const messages = [{ role: "user", content: "Tell me a story" }];

const models = [];
for await (const m of client.models.list()) models.push(m.id);

const chat = await client.chat.completions.create({ model, messages, max_tokens: 12, temperature: 0 });

let streamed = "";
let chunks = 0;
let usage = null;
const stream = await client.chat.completions.create({ model, messages, max_tokens: 12, temperature: 0, stream: true,
  stream_options: { include_usage: true } });
for await (const chunk of stream) {
  chunks++;
  if (chunk.usage) usage = chunk.usage;
  streamed += chunk.choices[0]?.delta?.content ?? "";
}

let error = null;
try {
  await client.chat.completions.create({ model: "no-such-model", messages });
} catch (e) {
  error = { status: e.status, code: e.code, message: e.message };
}

console.log(JSON.stringify({ models, chat: chat.choices[0].message.content, finish: chat.choices[0].finish_reason,
  usage: chat.usage, streamed, chunks, streamUsage: usage, error }));
