// A chat grounded in the person's documents through the official openai client: muse_collections names them, the answer
// comes with muse_citations (whole, and as the stream's first chunk), and the model read the passages (more prompt tokens).
// Usage: node grounded.mjs BASE_URL API_KEY   (prints one JSON object with what it saw)
import OpenAI from "openai";

const [baseURL, apiKey] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 120_000 });
const ask = { model: "tiny-chat", messages: [{ role: "user", content: "Who keeps the lighthouse?" }], max_tokens: 4, temperature: 0 };
const grounded = await client.chat.completions.create({ ...ask, muse_collections: ["coast"] });
const plain = await client.chat.completions.create(ask);
const stream = await client.chat.completions.create({ ...ask, muse_collections: true, stream: true });
let first = null, chunks = 0;
for await (const chunk of stream) {
  if (first === null) first = chunk;
  chunks++;
}
console.log(JSON.stringify({
  citations: grounded.muse_citations, groundedPrompt: grounded.usage.prompt_tokens, plainPrompt: plain.usage.prompt_tokens,
  plainCitations: plain.muse_citations ?? null, streamFirst: first.muse_citations ?? null, chunks
}));
