// Muse's own tools through the official openai client: `muse_tools` opts in (an extra body parameter), the first round's
// call is required by name (random weights never call by themselves), the engine runs it, and the answer goes on. The
// steps come as each chunk's `tool_step` object (with an empty delta) and as the whole answer's `tool_steps`.
// Usage: node own-tools.mjs BASE_URL MODEL TOOL   (prints one JSON object with what it saw)
import OpenAI from "openai";

const [baseURL, model, tool] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey: process.env.MUSE_API_KEY ?? "not-needed-on-loopback", maxRetries: 0, timeout: 120_000 });
const request = { model, messages: [{ role: "user", content: "Please use your tool." }], max_tokens: 600, temperature: 0,
  muse_tools: true, parallel_tool_calls: false, tool_choice: { type: "function", function: { name: tool } } };

const whole = await client.chat.completions.create(request);

const steps = [];
let content = "", finish = null, order = [];
for await (const chunk of await client.chat.completions.create({ ...request, stream: true })) {
  if (chunk.tool_step) { steps.push(chunk.tool_step); if (order.at(-1) !== "step") order.push("step"); }
  const delta = chunk.choices[0]?.delta ?? {};
  if (delta.content) { content += delta.content; if (order.at(-1) !== "content") order.push("content"); }
  if (delta.tool_calls) order.push("client call");
  if (chunk.choices[0]?.finish_reason) finish = chunk.choices[0].finish_reason;
}

const summary = s => ({ name: s.name, arguments: s.arguments, result: s.result, outputs: s.outputs.map(o => ({ type: o.type, bytes: Buffer.from(o.b64_json, "base64").length })) });
console.log(JSON.stringify({
  whole: { content: whole.choices[0].message.content, finish: whole.choices[0].finish_reason, steps: (whole.tool_steps ?? []).map(summary) },
  streamed: { steps: steps.map(summary), content, order, finish } }));
