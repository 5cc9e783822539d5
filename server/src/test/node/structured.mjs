// Structured output through the official openai client: response_format json_schema (strict) whole and streamed,
// json_object, and a schema Muse cannot keep. Usage: node structured.mjs BASE_URL MODEL   (prints one JSON object)
import OpenAI from "openai";

const [baseURL, model] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey: process.env.MUSE_API_KEY ?? "not-needed-on-loopback", maxRetries: 0, timeout: 120_000 });
const schema = {
  type: "object",
  properties: {
    name: { type: "string", maxLength: 6 },
    legs: { type: "integer" },
    indoor: { type: "boolean" },
    color: { enum: ["black", "white", "ginger"] },
  },
  required: ["name", "legs", "indoor", "color"],
  additionalProperties: false,
};
const messages = [{ role: "user", content: "Describe a cat as JSON." }];
const response_format = { type: "json_schema", json_schema: { name: "cat", strict: true, schema } };

const whole = await client.chat.completions.create({ model, messages, response_format, max_tokens: 200, seed: 3 });

let streamed = "";
for await (const chunk of await client.chat.completions.create({ model, messages, response_format, max_tokens: 200, seed: 4, stream: true }))
  streamed += chunk.choices[0]?.delta?.content ?? "";

const object = await client.chat.completions.create({ model, messages, response_format: { type: "json_object" }, max_tokens: 200, seed: 5 });

let error = null;
try {
  await client.chat.completions.create({ model, messages,
    response_format: { type: "json_schema", json_schema: { name: "bad", schema: { type: "string", pattern: "^a+$" } } } });
} catch (e) {
  error = { status: e.status, param: e.param, message: e.message };
}

console.log(JSON.stringify({
  whole: { text: whole.choices[0].message.content, finish: whole.choices[0].finish_reason },
  streamed,
  object: { text: object.choices[0].message.content, finish: object.choices[0].finish_reason },
  schema, error }));
