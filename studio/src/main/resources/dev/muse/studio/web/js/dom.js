// Small DOM helpers. Text always goes in through textContent or text nodes, never through innerHTML.

/** An element with attributes (false/null ones left out) and children (strings become text nodes). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === 'class') node.className = value;
    else if (name.startsWith('on')) {
      if (typeof value !== 'function') throw new TypeError(`${name} must be a function`); // never an inline handler
      node.addEventListener(name.slice(2), value);
    }
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** An icon from the sprite (decorative: the button or link around it carries the label). */
export function icon(name) {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('aria-hidden', 'true');
  const use = document.createElementNS('http://www.w3.org/2000/svg', 'use');
  use.setAttribute('href', `studio/icons.svg#${name}`);
  svg.append(use);
  return svg;
}

/** An icon-only button with an accessible name (also shown as a tooltip). */
export function iconButton(name, label, onclick, attributes = {}) {
  return el('button', { type: 'button', class: 'icon-button', 'aria-label': label, title: label, onclick, ...attributes }, icon(name));
}

/** Copies text to the clipboard; resolves to whether it worked. */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false; // no clipboard permission (an insecure origin, a denied prompt)
  }
}

/** Human sizes for messages about limits: 1.5 MB, 820 KB. */
export function formatBytes(bytes) {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}
