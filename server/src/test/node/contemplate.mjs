// Contemplating through the official openai client: Muse's `mode` and `agents` fields pass through as extra body
// parameters, the sub-agents' work comes as each chunk's `contemplation` object (with an empty delta, so content-only
// readers see just the answer) and as the whole answer's `contemplation.agents`.
// Usage: node contemplate.mjs BASE_URL MODEL   (prints one JSON object with what it saw)
import OpenAI from "openai";

const [baseURL, model] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey: process.env.MUSE_API_KEY ?? "not-needed-on-loopback", maxRetries: 0, timeout: 120_000 });
const request = { model, messages: [{ role: "user", content: "What is 12 times 3?" }], max_tokens: 48, temperature: 0,
  mode: "contemplating", agents: 3, reasoning_budget: 8 };

const whole = await client.chat.completions.create(request);

const order = [];
const agents = {};
let perspectives = null, content = "", finish = null;
for await (const chunk of await client.chat.completions.create({ ...request, stream: true })) {
  const c = chunk.contemplation;
  if (c?.agents) perspectives = c.agents.map((a) => a.perspective);
  if (c && c.agent !== undefined) {
    const a = (agents[c.agent] ??= { reasoning: "", content: "", finish: null });
    if (c.reasoning_content) a.reasoning += c.reasoning_content;
    if (c.content) a.content += c.content;
    if (c.finish_reason) a.finish = c.finish_reason;
    if (order.at(-1) !== "agents") order.push("agents");
  }
  const delta = chunk.choices[0]?.delta ?? {};
  if (delta.content) { content += delta.content; if (order.at(-1) !== "content") order.push("content"); }
  if (chunk.choices[0]?.finish_reason) finish = chunk.choices[0].finish_reason;
}

let error = null;
try {
  await client.chat.completions.create({ ...request, n: 2 });
} catch (e) {
  error = { status: e.status, param: e.param };
}

console.log(JSON.stringify({
  whole: { content: whole.choices[0].message.content, agents: whole.contemplation?.agents, usage: whole.usage },
  streamed: { perspectives, agents, content, order, finish }, error }));
