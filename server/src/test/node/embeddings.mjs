// /v1/embeddings through the official openai client with the embedder Muse carries (all-MiniLM-L6-v2): OpenAI's model
// name stands for it; vectors of 384, unit length; related texts closer than unrelated ones.
// Usage: node embeddings.mjs BASE_URL   (prints one JSON object with what it saw)
import OpenAI from "openai";

const [baseURL] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey: "not-needed-on-loopback", maxRetries: 0, timeout: 120_000 });
const texts = ["A cat sits on the mat.", "A kitten is resting on a rug.", "The stock market fell sharply today."];
const answer = await client.embeddings.create({ model: "text-embedding-3-small", input: texts });
const v = answer.data.map(d => d.embedding);
const cos = (a, b) => a.reduce((s, x, i) => s + x * b[i], 0);
const models = await client.models.list();
console.log(JSON.stringify({
  model: answer.model, count: v.length, dimensions: v[0].length, norm: Math.sqrt(cos(v[0], v[0])),
  related: cos(v[0], v[1]), unrelated: cos(v[0], v[2]), usage: answer.usage,
  listed: models.data.filter(m => m.id === "all-minilm-l6-v2").map(m => m.output_modalities)
}));
