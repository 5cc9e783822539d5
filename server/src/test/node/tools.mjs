// Function calling through the official openai client: a required call (whole), parallel calls streamed, a named call,
// the results sent back, and a model that cannot call functions. Usage: node tools.mjs BASE_URL MODEL PLAIN_MODEL
import OpenAI from "openai";

const [baseURL, model, plain] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey: process.env.MUSE_API_KEY ?? "not-needed-on-loopback", maxRetries: 0, timeout: 120_000 });
const tools = [
  { type: "function", function: { name: "get_weather", description: "The weather in a city now.", strict: true,
    parameters: { type: "object", properties: { location: { type: "string", maxLength: 12 }, unit: { enum: ["celsius", "fahrenheit"] } },
      required: ["location", "unit"], additionalProperties: false } } },
  { type: "function", function: { name: "get_time", description: "The time in a city.",
    parameters: { type: "object", properties: { city: { type: "string", maxLength: 8 } }, required: ["city"], additionalProperties: false } } },
];
const messages = [{ role: "user", content: "What's the weather in Paris?" }];

const whole = await client.chat.completions.create({ model, messages, tools, tool_choice: "required", max_tokens: 200, seed: 1 });
const message = whole.choices[0].message;

const streamed = [];
let streamFinish = null;
// random weights may go on calling in parallel: room for many calls
for await (const chunk of await client.chat.completions.create({ model, messages, tools, tool_choice: "required", parallel_tool_calls: true,
    max_tokens: 1500, seed: 2, stream: true })) {
  const choice = chunk.choices[0];
  for (const call of choice?.delta?.tool_calls ?? []) {
    streamed[call.index] ??= { id: "", name: "", arguments: "" };
    if (call.id) streamed[call.index].id = call.id;
    if (call.function?.name) streamed[call.index].name += call.function.name;
    if (call.function?.arguments) streamed[call.index].arguments += call.function.arguments;
  }
  if (choice?.finish_reason) streamFinish = choice.finish_reason;
}

const named = await client.chat.completions.create({ model, messages, tools, parallel_tool_calls: false,
  tool_choice: { type: "function", function: { name: "get_time" } }, max_tokens: 200, seed: 3 });

const followUp = await client.chat.completions.create({ model, tools, tool_choice: "none", max_tokens: 12, seed: 4, messages: [
  ...messages, message, { role: "tool", tool_call_id: message.tool_calls[0].id, content: "18 degrees, sunny" }] });

let error = null;
try {
  await client.chat.completions.create({ model: plain, messages, tools });
} catch (e) {
  error = { status: e.status, param: e.param, message: e.message };
}

console.log(JSON.stringify({
  whole: { content: message.content, calls: message.tool_calls, finish: whole.choices[0].finish_reason },
  streamed: { calls: streamed, finish: streamFinish },
  named: { calls: named.choices[0].message.tool_calls, finish: named.choices[0].finish_reason },
  followUp: { content: followUp.choices[0].message.content, finish: followUp.choices[0].finish_reason },
  error }));
