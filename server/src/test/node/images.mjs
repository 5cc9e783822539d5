// Drives a running Muse server's image endpoint with the official openai client.
// Usage: node images.mjs BASE_URL   (prints one JSON object with what it saw)
import OpenAI from "openai";

const [baseURL] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey: process.env.MUSE_API_KEY ?? "not-needed-on-loopback", maxRetries: 0, timeout: 120_000 });

const two = await client.images.generate({ model: "dall-e-2", prompt: "a red fox in snow, watercolor", n: 2, size: "64x32",
  response_format: "b64_json", seed: 42, steps: 2, guidance_scale: 5, negative_prompt: "blurry" });
const pngs = two.data.map(d => {
  const bytes = Buffer.from(d.b64_json, "base64");
  return { signature: bytes.subarray(1, 4).toString("latin1"), width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), seed: d.seed,
    parameters: bytes.toString("latin1").includes("tEXtparameters") };
});

let error = null;
try {
  await client.images.generate({ prompt: "a fox", size: "100x64" });
} catch (e) {
  error = { status: e.status, param: e.param, message: e.message };
}

console.log(JSON.stringify({ created: two.created, count: two.data.length, pngs, error }));
