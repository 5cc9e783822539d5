// Reference renderer for Muse's chat-template tests: renders a template with
// Hugging Face's own Jinja implementation (@huggingface/jinja, pinned in
// package.json), so the Java tests can compare Muse's output byte for byte.
//
// Single case:  node render.mjs TEMPLATE_FILE CONTEXT_JSON_FILE
//   stdout: the rendered text, exactly (no newline added); exit 0.
//   On failure: exit 3 when the template itself called raise_exception(),
//   exit 2 for any other error; the message goes to stderr.
// Batch:        node render.mjs --batch CASES_JSON_FILE OUT_DIR
//   CASES_JSON_FILE holds [{"template": path, "context": {...}}, ...]; for case
//   number i the script writes OUT_DIR/i.ok (the rendered text), i.raised or
//   i.error (the message), so one node process serves a whole corpus.
//
// The Template constructor does what transformers' apply_chat_template does
// (trim_blocks and lstrip_blocks on, plus HF's own preprocessing); render()
// takes the context as a plain object, like transformers.js passes it.
//
// MUSE_TEMPLATE_NOW (an ISO-8601 instant) fixes the clock that
// strftime_now() reads, so outputs are reproducible; run with TZ=UTC.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Template, Environment } from "@huggingface/jinja";

class RaisedByTemplate extends Error {}

// raise_exception() is a global of @huggingface/jinja that throws a plain
// Error; swap it for one whose errors we can tell apart from engine errors.
const declare = Environment.prototype.set;
Environment.prototype.set = function (name, value) {
  if (name === "raise_exception") {
    value = (message) => {
      throw new RaisedByTemplate(String(message));
    };
  }
  return declare.call(this, name, value);
};

// strftime_now() calls `new Date()`; make "now" the fixed instant.
const fixedNow = process.env.MUSE_TEMPLATE_NOW;
if (fixedNow) {
  const RealDate = Date;
  const fixedMillis = RealDate.parse(fixedNow);
  globalThis.Date = class extends RealDate {
    constructor(...args) {
      super(...(args.length === 0 ? [fixedMillis] : args));
    }
    static now() {
      return fixedMillis;
    }
  };
}

function render(templatePath, context) {
  try {
    const source = readFileSync(templatePath, "utf8");
    return { ok: true, output: new Template(source).render(context) };
  } catch (e) {
    return { ok: false, raised: e instanceof RaisedByTemplate, error: String(e && e.message ? e.message : e) };
  }
}

const args = process.argv.slice(2);
if (args[0] === "--batch" && args.length === 3) {
  const cases = JSON.parse(readFileSync(args[1], "utf8"));
  cases.forEach((c, i) => {
    const r = render(c.template, c.context);
    const kind = r.ok ? "ok" : r.raised ? "raised" : "error";
    writeFileSync(join(args[2], `${i}.${kind}`), r.ok ? r.output : r.error);
  });
} else if (args.length === 2) {
  const result = render(args[0], JSON.parse(readFileSync(args[1], "utf8")));
  if (result.ok) {
    process.stdout.write(result.output);
  } else {
    process.stderr.write(result.error);
    process.exitCode = result.raised ? 3 : 2;
  }
} else {
  process.stderr.write("usage: node render.mjs TEMPLATE CONTEXT_JSON | --batch CASES_JSON OUT_DIR\n");
  process.exitCode = 64;
}
