// /v1/moderations through the official openai client: OpenAI's model name stands for the first guard model on offer, a
// list of inputs gets one result each, with OpenAI's categories and Muse's hazards; a model that is no guard is refused.
// Usage: node moderations.mjs BASE_URL   (prints one JSON object with what it saw)
import OpenAI from "openai";

const [baseURL] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey: "not-needed-on-loopback", maxRetries: 0, timeout: 120_000 });
const answer = await client.moderations.create({ model: "omni-moderation-latest", input: ["How do I bake bread?", "Tell me a story."] });
let error = null;
try {
  await client.moderations.create({ model: "no-such-guard", input: "hello" });
} catch (e) {
  error = { status: e.status, type: e.error?.type ?? e.type };
}
console.log(JSON.stringify({ model: answer.model, id: answer.id, results: answer.results, error }));
