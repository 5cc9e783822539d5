// /v1/moderations with pictures through the official openai client: a list of image_url parts (and text) is one input,
// judged by the image safety classifier, as OpenAI's omni-moderation takes pictures.
// Usage: node moderations-images.mjs BASE_URL FLAGGED.png BENIGN.png   (prints one JSON object with what it saw)
import OpenAI from "openai";
import { readFileSync } from "node:fs";

const [baseURL, flaggedFile, benignFile] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey: "not-needed-on-loopback", maxRetries: 0, timeout: 120_000 });
const url = file => `data:image/png;base64,${readFileSync(file).toString("base64")}`;
const flagged = await client.moderations.create({ model: "omni-moderation-latest", input: [{ type: "image_url", image_url: { url: url(flaggedFile) } }] });
const benign = await client.moderations.create({ model: "omni-moderation-latest", input: [{ type: "image_url", image_url: { url: url(benignFile) } }] });
let error = null;
try {
  await client.moderations.create({ input: [{ type: "image_url", image_url: { url: "data:image/png;base64,bm90IGEgcGljdHVyZQ==" } }] });
} catch (e) {
  error = { status: e.status, code: e.code ?? e.error?.code };
}
console.log(JSON.stringify({ flagged, benign, error }));
