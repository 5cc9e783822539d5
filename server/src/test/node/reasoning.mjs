// A reasoning model's thought through the official openai client, as DeepSeek's API and llama.cpp send it:
// message.reasoning_content beside message.content, and delta.reasoning_content chunks before the content's.
// Usage: node reasoning.mjs BASE_URL MODEL   (prints one JSON object with what it saw)
import OpenAI from "openai";

const [baseURL, model] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey: process.env.MUSE_API_KEY ?? "not-needed-on-loopback", maxRetries: 0, timeout: 60_000 });
const request = { model, messages: [{ role: "user", content: "What is 12 times 3?" }], max_tokens: 48, temperature: 0,
  reasoning_effort: "minimal" };

const whole = await client.chat.completions.create(request);
const message = whole.choices[0].message;

const order = [];
let reasoning = "", content = "";
for await (const chunk of await client.chat.completions.create({ ...request, stream: true })) {
  const delta = chunk.choices[0]?.delta ?? {};
  if (delta.reasoning_content) { reasoning += delta.reasoning_content; if (order.at(-1) !== "reasoning") order.push("reasoning"); }
  if (delta.content) { content += delta.content; if (order.at(-1) !== "content") order.push("content"); }
}

let error = null;
try {
  await client.chat.completions.create({ ...request, reasoning_effort: "enormous" });
} catch (e) {
  error = { status: e.status, param: e.param };
}

console.log(JSON.stringify({ whole: { reasoning: message.reasoning_content, content: message.content },
  streamed: { reasoning, content, order }, error }));
