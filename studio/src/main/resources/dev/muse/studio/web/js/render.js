// The tree from markdown.js as DOM nodes. Every tag comes from this file and every piece of text goes in
// as a text node, so model output cannot inject markup; links are limited to http(s) and mailto by the parser.
import { parse } from './markdown.js';
import { copyText, el, icon } from './dom.js';

/** Replaces the children of {@code target} with the rendered Markdown of {@code source}. */
export function renderMarkdown(target, source) {
  target.replaceChildren(...parse(source).map(block));
}

function block(node) {
  switch (node.t) {
    case 'p': return el('p', {}, inlines(node.c));
    // Headings in a reply rank below the page's own (h1 brand, h2 conversation).
    case 'h': return el(`h${Math.min(6, node.level + 2)}`, {}, inlines(node.c));
    case 'code': return codeBlock(node.lang, node.text);
    case 'hr': return el('hr');
    case 'quote': return el('blockquote', {}, node.c.map(block));
    case 'ul':
    case 'ol': return list(node);
    case 'table': return table(node);
    default: throw new Error(`unknown block ${node.t}`);
  }
}

function list(node) {
  const items = node.items.map(item => {
    // A tight list shows its items' text without paragraph spacing.
    const parts = !node.loose && item[0]?.t === 'p' ? [inlines(item[0].c), ...item.slice(1).map(block)] : item.map(block);
    return el('li', {}, parts);
  });
  return el(node.t, node.t === 'ol' && node.start !== 1 ? { start: node.start } : {}, items);
}

function table(node) {
  const cell = (tag, content, k) => el(tag, node.align[k] ? { class: `align-${node.align[k]}` } : {}, inlines(content));
  return el('div', { class: 'table-wrap' }, el('table', {},
    el('thead', {}, el('tr', {}, node.head.map((h, k) => cell('th', h, k)))),
    el('tbody', {}, node.rows.map(row => el('tr', {}, row.map((c, k) => cell('td', c, k)))))));
}

function codeBlock(lang, text) {
  const label = el('span', {}, 'Copy');
  const button = el('button', { type: 'button', 'aria-label': `Copy ${lang || 'code'}` }, icon('copy'), label);
  button.addEventListener('click', async () => {
    const copied = await copyText(text);
    label.textContent = copied ? 'Copied' : 'Copy failed';
    setTimeout(() => { label.textContent = 'Copy'; }, 1500);
  });
  return el('div', { class: 'code-block' },
    el('div', { class: 'code-head' }, el('span', {}, lang || 'code'), button),
    el('pre', {}, el('code', lang ? { 'data-lang': lang } : {}, text)));
}

function inlines(nodes) {
  return nodes.map(node => {
    if (typeof node === 'string') return node;
    switch (node.t) {
      case 'br': return el('br');
      case 'codespan': return el('code', {}, node.text);
      case 'a': return el('a', { href: node.href, target: '_blank', rel: 'noopener noreferrer' }, inlines(node.c));
      case 'strong':
      case 'em':
      case 'del': return el(node.t, {}, inlines(node.c));
      default: throw new Error(`unknown inline ${node.t}`);
    }
  });
}
