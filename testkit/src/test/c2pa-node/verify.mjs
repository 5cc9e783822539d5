// Reads a file's C2PA manifest store with c2pa-rs (inside @contentauth/c2pa-node) and prints it as JSON:
// node verify.mjs FILE [TRUST_ANCHORS.pem]. With anchors, the signer's chain is checked against them ("Trusted").
import { Reader } from '@contentauth/c2pa-node';
import fs from 'fs';

const [file, anchors] = process.argv.slice(2);
const settings = anchors
  ? { trust: { trust_anchors: fs.readFileSync(anchors, 'utf8') }, verify: { verify_trust: true } }
  : { verify: { verify_trust: false } };
try {
  const reader = await Reader.fromAsset({ path: file }, settings);
  process.stdout.write(JSON.stringify(reader ? reader.json() : { none: true }));
} catch (e) {
  process.stdout.write(JSON.stringify({ error: String(e && e.message ? e.message : e) }));
}
