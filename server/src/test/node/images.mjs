// Drives a running Muse server's image endpoint with the official openai client.
// Usage: node images.mjs BASE_URL MASK_PNG   (prints one JSON object with what it saw)
import { readFileSync } from "node:fs";
import OpenAI, { toFile } from "openai";

const [baseURL, maskFile] = process.argv.slice(2);
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

// the first fox redrawn under a mask whose transparent half is repainted, with Muse's strength and steps
const fox = await toFile(Buffer.from(two.data[0].b64_json, "base64"), "fox.png", { type: "image/png" });
const mask = await toFile(readFileSync(maskFile), "mask.png", { type: "image/png" });
const edited = await client.images.edit({ model: "dall-e-2", image: fox, mask, prompt: "a cat in snow", n: 1, response_format: "b64_json",
  seed: 5, steps: 4, strength: 0.5, guidance_scale: 0 });
const editedPng = Buffer.from(edited.data[0].b64_json, "base64");
const edit = { width: editedPng.readUInt32BE(16), height: editedPng.readUInt32BE(20), seed: edited.data[0].seed,
  strength: editedPng.toString("latin1").includes("Denoising strength: 0.5, Mask: yes") };

// a streamed drawing: previews as it forms, then the picture
const events = [];
const stream = await client.images.generate({ prompt: "a fox", size: "64x32", steps: 4, guidance_scale: 0, seed: 9, stream: true, partial_images: 2 });
for await (const event of stream) {
  const png = Buffer.from(event.b64_json, "base64");
  events.push({ type: event.type, partial: event.partial_image_index ?? null, width: png.readUInt32BE(16), height: png.readUInt32BE(20),
    seed: event.seed ?? null });
}

// a URL to a JPEG, read back as the client's user would
const linked = await client.images.generate({ prompt: "a fox", size: "32x32", steps: 1, guidance_scale: 0, response_format: "url", output_format: "jpeg" });
const fetched = Buffer.from(await (await fetch(linked.data[0].url)).arrayBuffer());
const url = { jpeg: fetched[0] === 0xff && fetched[1] === 0xd8, format: linked.output_format };

// Muse's LCM sampler, named in the request
const consistency = await client.images.generate({ prompt: "a fox", size: "32x32", steps: 2, guidance_scale: 0, seed: 3, sampler: "lcm" });
const lcm = Buffer.from(consistency.data[0].b64_json, "base64").toString("latin1").includes("Steps: 2, Sampler: LCM");

console.log(JSON.stringify({ created: two.created, count: two.data.length, pngs, error, edit, events, url, lcm }));
