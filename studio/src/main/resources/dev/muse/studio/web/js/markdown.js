// Markdown to a plain tree of objects, which render.js turns into DOM nodes with textContent only.
// Nothing in the source is ever treated as HTML: "<script>" in a model's answer stays text. The subset is
// what chat models write: paragraphs, headings, fenced code, lists (nested, ordered), tables, quotes,
// rules, and inline code, bold, italic, strikethrough, links and bare URLs. Unclosed constructs (a fence
// still streaming) render as far as they go.
//
// Blocks: {t: 'p'|'h'|'code'|'ul'|'ol'|'quote'|'hr'|'table', ...}; inlines: strings and
// {t: 'strong'|'em'|'del'|'codespan'|'a'|'br', ...}.

const FENCE = /^ {0,3}(`{3,}|~{3,})[ \t]*([^\s`]*)[^`]*$/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTE = /^ {0,3}>/;
const LIST_ITEM = /^( *)([-*+]|\d{1,9}[.)])(?:[ \t]+(.*))?$/;
const TABLE_DELIMITER = /^ *\|? *:?-+:? *(?:\| *:?-+:? *)*\|? *$/;

export function parse(source) {
  return blocks(String(source).replace(/\r\n?/g, '\n').split('\n'));
}

function blocks(lines) {
  const out = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    let m;
    if (!line.trim()) {
      i++;
    } else if ((m = FENCE.exec(line))) {
      const close = new RegExp(`^ {0,3}${m[1][0] === '`' ? '`' : '~'}{${m[1].length},}[ \\t]*$`);
      const indent = /^ */.exec(line)[0].length;
      const body = [];
      for (i++; i < lines.length && !close.test(lines[i]); i++) body.push(lines[i].replace(new RegExp(`^ {0,${indent}}`), ''));
      if (i >= lines.length) while (body.length && !body.at(-1).trim()) body.pop(); // still streaming: no empty last line
      out.push({ t: 'code', lang: m[2], text: body.join('\n') });
      i++;
    } else if ((m = HEADING.exec(line))) {
      out.push({ t: 'h', level: m[1].length, c: inline(m[2] ?? '') });
      i++;
    } else if (RULE.test(line)) {
      out.push({ t: 'hr' });
      i++;
    } else if (QUOTE.test(line)) {
      const inner = [];
      for (; i < lines.length && lines[i].trim() && (QUOTE.test(lines[i]) || !startsBlock(lines, i)); i++) inner.push(lines[i].replace(/^ {0,3}> ?/, ''));
      out.push({ t: 'quote', c: blocks(inner) });
    } else if (LIST_ITEM.test(line)) {
      i = list(lines, i, out);
    } else if (tableStarts(lines, i)) {
      i = table(lines, i, out);
    } else {
      const paragraph = [line.trim()];
      for (i++; i < lines.length && lines[i].trim() && !startsBlock(lines, i); i++) paragraph.push(lines[i].trim());
      out.push({ t: 'p', c: inline(paragraph.join('\n')) });
    }
  }
  return out;
}

/** Whether line i opens a block that ends a paragraph. */
function startsBlock(lines, i) {
  const line = lines[i];
  return FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line) || LIST_ITEM.test(line) || tableStarts(lines, i);
}

const indentOf = line => /^ */.exec(line)[0].length;

/** A list and its items; an item holds the lines indented under it, parsed again as blocks (nested lists). */
function list(lines, i, out) {
  const first = LIST_ITEM.exec(lines[i]);
  const indent = first[1].length;
  const ordered = /\d/.test(first[2]);
  const node = { t: ordered ? 'ol' : 'ul', start: ordered ? parseInt(first[2], 10) : 1, items: [], loose: false };
  while (i < lines.length) {
    const m = LIST_ITEM.exec(lines[i]);
    if (!m || m[1].length !== indent || /\d/.test(m[2]) !== ordered) break;
    const contentIndent = indent + m[2].length + 1;
    const body = [m[3] ?? ''];
    for (i++; i < lines.length; i++) {
      const line = lines[i];
      if (!line.trim()) {
        let next = i;
        while (next < lines.length && !lines[next].trim()) next++;
        if (next < lines.length && indentOf(lines[next]) > indent) { // the item goes on after a blank line
          for (; i < next; i++) body.push('');
          i--; // the loop's i++ lands on the indented line
          node.loose = true;
          continue;
        }
        break;
      }
      if (indentOf(line) > indent) body.push(line.slice(Math.min(indentOf(line), contentIndent)));
      else if (!startsBlock(lines, i)) body.push(line.trim()); // a lazy continuation of the item's paragraph
      else break;
    }
    node.items.push(blocks(body));
    let next = i;
    while (next < lines.length && !lines[next].trim()) next++;
    const sibling = next < lines.length ? LIST_ITEM.exec(lines[next]) : null;
    if (next > i && sibling && sibling[1].length === indent && /\d/.test(sibling[2]) === ordered) {
      node.loose = true;
      i = next;
    }
  }
  out.push(node);
  return i;
}

function cells(line) {
  let row = line.trim();
  if (row.startsWith('|')) row = row.slice(1);
  if (row.endsWith('|') && !row.endsWith('\\|')) row = row.slice(0, -1);
  const out = [];
  let cell = '';
  for (let k = 0; k < row.length; k++) {
    if (row[k] === '\\' && row[k + 1] === '|') { cell += '|'; k++; } else if (row[k] === '|') { out.push(cell.trim()); cell = ''; } else cell += row[k];
  }
  out.push(cell.trim());
  return out;
}

function tableStarts(lines, i) {
  return i + 1 < lines.length && lines[i].includes('|') && TABLE_DELIMITER.test(lines[i + 1]) && lines[i + 1].includes('-')
    && cells(lines[i]).length === cells(lines[i + 1]).length;
}

function table(lines, i, out) {
  const header = cells(lines[i]);
  const align = cells(lines[i + 1]).map(d => d.startsWith(':') && d.endsWith(':') ? 'center' : d.endsWith(':') ? 'right' : d.startsWith(':') ? 'left' : null);
  const rows = [];
  for (i += 2; i < lines.length && lines[i].trim() && lines[i].includes('|'); i++) {
    const row = cells(lines[i]);
    rows.push(header.map((_, k) => inline(row[k] ?? '')));
  }
  out.push({ t: 'table', align, head: header.map(h => inline(h)), rows });
  return i;
}

const ESCAPABLE = /[!-/:-@[-`{-~]/;
const SAFE_URL = /^(?:https?:\/\/|mailto:)/i;
const BARE_URL = /^https?:\/\/[^\s<>"]*[^\s<>".,:;'")\]!?*_~]/;
const SPANS = [
  { t: 'strong', marker: '**' },
  { t: 'strong', marker: '__', word: true },
  { t: 'del', re: /^~~(?=\S)([\s\S]*?\S)~~/ },
  { t: 'em', re: /^\*(?=[^\s*])([\s\S]*?[^\s*])\*(?!\*)/ },
  { t: 'em', re: /^_(?=[^\s_])([\s\S]*?[^\s_])_(?![A-Za-z0-9])/, word: true },
];

/** Inline content of one paragraph, heading or cell. */
export function inline(text) {
  const out = [];
  let plain = '';
  const flush = () => { if (plain) out.push(plain); plain = ''; };
  const push = node => { flush(); out.push(node); };
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const ch = text[i];
    const afterWord = i > 0 && /[A-Za-z0-9]/.test(text[i - 1]);
    let m;
    if (ch === '\\' && ESCAPABLE.test(text[i + 1] ?? '')) {
      plain += text[i + 1];
      i += 2;
    } else if (ch === '\n') {
      push({ t: 'br' });
      i++;
    } else if (ch === '`') {
      const run = /^`+/.exec(rest)[0];
      const end = text.indexOf(run, i + run.length);
      if (end < 0) { plain += run; i += run.length; continue; }
      const code = text.slice(i + run.length, end).replace(/\n/g, ' ');
      push({ t: 'codespan', text: /^ .*[^ ].* $/.test(code) ? code.slice(1, -1) : code });
      i = end + run.length;
    } else if ((ch === '[' || (ch === '!' && text[i + 1] === '[')) && (m = /^!?\[((?:\\.|[^\]\\])*)\]\(\s*<?([^\s<>)]*)>?(?:\s+"[^"]*")?\s*\)/.exec(rest))) {
      const image = ch === '!';
      const label = image ? [`image: ${m[1] || m[2]}`] : inline(m[1]);
      // Only web and mail links become links; images are never fetched from the model's URLs.
      if (SAFE_URL.test(m[2])) push({ t: 'a', href: m[2], c: label });
      else { flush(); out.push(...label); }
      i += m[0].length;
    } else if (ch === 'h' && !afterWord && (m = BARE_URL.exec(rest))) {
      push({ t: 'a', href: m[0], c: [m[0]] });
      i += m[0].length;
    } else if ('*_~'.includes(ch) && (m = span(rest, afterWord))) {
      push({ t: m.t, c: inline(m.inner) });
      i += m.length;
    } else {
      plain += ch;
      i++;
    }
  }
  flush();
  return out;
}

function span(rest, afterWord) {
  for (const s of SPANS) {
    if (s.word && afterWord) continue; // snake_case_names are not emphasis
    const m = s.marker ? strong(rest, s.marker, s.word) : s.re.exec(rest);
    if (m) return { t: s.t, inner: m[1], length: m[0].length };
  }
  return null;
}

/**
 * Bold between double markers. The first closing marker whose inside holds its single markers in pairs
 * wins, so "**bold *and italic***" closes after the italic, not before it.
 */
function strong(rest, marker, word) {
  if (!rest.startsWith(marker) || /\s/.test(rest[2] ?? ' ')) return null;
  for (let k = rest.indexOf(marker, 3); k > 0; k = rest.indexOf(marker, k + 1)) {
    if (/\s/.test(rest[k - 1])) continue;
    if (word && /[A-Za-z0-9]/.test(rest[k + 2] ?? '')) continue;
    const inner = rest.slice(2, k);
    if (inner.split(marker[0]).length % 2 === 1) return [rest.slice(0, k + 2), inner];
  }
  return null;
}
