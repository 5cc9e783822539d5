// Reference: nsfwjs on @tensorflow/tfjs (its CPU backend) for raw RGB pictures: node classify.mjs MODEL W:H:FILE.rgb ...
// MODEL is nsfwjs' name (MobileNetV2, MobileNetV2Mid); prints one JSON array of the five class probabilities per picture, last.
import * as tf from '@tensorflow/tfjs';
import * as nsfwjs from 'nsfwjs';
import { readFileSync } from 'node:fs';
const [name, ...files] = process.argv.slice(2);
await tf.setBackend('cpu');
const model = await nsfwjs.load(name);
const out = [];
for (const f of files) {
  const [w, h, path] = f.split(':');
  const pixels = new Uint8Array(readFileSync(path));
  const image = tf.tensor3d(pixels, [Number(h), Number(w), 3], 'int32');
  const probabilities = model.infer(image);
  out.push(Array.from(await probabilities.data()));
}
console.log(JSON.stringify(out));
