// Creating pictures with an image model: the drawing options under the message box, the request to the images API
// (streamed, so the picture forms step by step from its previews), and what is kept in the conversation: the picture
// as an image_url part that carries its parameters (Muse's muse_drawing field), so it can be drawn again or edited.
import { stream } from './api.js';

const KEPT = 'muse.drawOptions';

/** The drawing options shown while an image model is picked; their values go with every drawing and are kept in this browser. */
export class DrawOptions {
  constructor() {
    this.panel = document.getElementById('draw-options');
    this.size = document.getElementById('draw-size');
    this.steps = document.getElementById('draw-steps');
    this.guidance = document.getElementById('draw-guidance');
    this.seed = document.getElementById('draw-seed');
    this.negative = document.getElementById('draw-negative');
    this.strengthRow = document.getElementById('draw-strength-row');
    this.strength = document.getElementById('draw-strength');
    const fields = { size: this.size, steps: this.steps, guidance: this.guidance, seed: this.seed, negative: this.negative, strength: this.strength };
    let kept = {};
    try {
      kept = JSON.parse(localStorage.getItem(KEPT) ?? '{}') ?? {};
    } catch {
      kept = {}; // something else wrote there: start from the defaults
    }
    for (const [name, field] of Object.entries(fields)) {
      if (typeof kept[name] === 'string') field.value = kept[name];
      field.addEventListener('change', () => {
        localStorage.setItem(KEPT, JSON.stringify(Object.fromEntries(Object.entries(fields).map(([n, f]) => [n, f.value]))));
      });
    }
  }

  /** Shows the options for an image model (and says so in the message box), hides them for others. */
  show(drawing) {
    this.panel.hidden = !drawing;
    document.getElementById('composer-input').placeholder = drawing ? 'Describe a picture' : 'Message Muse';
    document.body.classList.toggle('drawing-mode', drawing);
  }

  /** Shows the strength while an image is attached (it is then redrawn). */
  editing(attached) { this.strengthRow.hidden = !attached; }

  /** The parameters of a new drawing of {@code prompt}; an empty seed field draws a random seed. */
  parameters(prompt) {
    const p = { prompt, size: this.size.value.trim() || '512x512', steps: Number(this.steps.value) || 20,
      guidance_scale: this.guidance.value === '' ? 7.5 : Number(this.guidance.value) };
    if (this.seed.value.trim() !== '') p.seed = Number(this.seed.value);
    if (this.negative.value.trim()) p.negative_prompt = this.negative.value.trim();
    return p;
  }

  /** The strength to redraw an attached image with. */
  strengthValue() { return this.strength.value === '' ? 0.75 : Number(this.strength.value); }
}

/**
 * Draws one picture through the images API, streamed: {@code onPreview(dataUrl, step)} hears each preview (one a step),
 * and it resolves to the finished picture's {url, parameters}. With {@code edit} ({image: Blob, mask: Blob|null,
 * strength}) the picture is an edit of that image (a mask says where to redraw).
 */
export async function drawPicture(model, parameters, edit, onPreview, signal) {
  const partials = Math.max(0, Math.min(200, parameters.steps - 1));
  let events;
  if (edit) {
    const form = new FormData();
    form.append('model', model);
    for (const [name, value] of Object.entries(parameters)) if (value !== undefined && value !== null) form.append(name, String(value));
    form.append('strength', String(edit.strength));
    form.append('stream', 'true');
    form.append('partial_images', String(partials));
    form.append('image', edit.image, 'image.png');
    if (edit.mask) form.append('mask', edit.mask, 'mask.png');
    events = stream('v1/images/edits', form, signal);
  } else {
    events = stream('v1/images/generations', { model, ...parameters, n: 1, stream: true, partial_images: partials }, signal);
  }
  for await (const event of events) {
    const url = `data:image/png;base64,${event.b64_json}`;
    if (event.type.endsWith('.partial_image')) onPreview(url, event.step);
    else if (event.type.endsWith('.completed')) {
      const drawn = { ...parameters, seed: event.seed, size: event.size, model };
      if (edit) drawn.strength = edit.strength;
      if (event.muse_blurred) drawn.blurred = true; // the server's safety screening blurred it
      return { url, parameters: drawn };
    }
  }
  throw new Error('the drawing ended without a picture');
}

/** The stored answer: the picture, carrying its parameters, and a line that says them. */
export function drawingContent(url, p) {
  return [{ type: 'image_url', image_url: { url }, muse_drawing: p }, { type: 'text', text: describe(p) }];
}

/** The parameters of the first drawn picture in a message's content, or null. */
export function drawingOf(content) {
  if (!Array.isArray(content)) return null;
  const part = content.find(p => p?.type === 'image_url' && p.muse_drawing && typeof p.muse_drawing === 'object');
  return part ? { url: part.image_url?.url, parameters: part.muse_drawing } : null;
}

/** "512x512 · 20 steps · guidance 7.5 · seed 42" (and the strength of an edit, and whether the screening blurred it). */
function describe(p) {
  const parts = [p.size, `${p.steps} steps`, `guidance ${p.guidance_scale}`, `seed ${p.seed}`];
  if (p.strength !== undefined) parts.push(`strength ${p.strength}`);
  if (p.blurred) parts.push('blurred by the safety screening');
  return `*${parts.join(' · ')}*`;
}

/** A base64 data: URL's bytes as a Blob (decoded here: the page may not fetch data: URLs). */
export function blobOf(url) {
  const comma = url.indexOf(',');
  const bytes = Uint8Array.from(atob(url.slice(comma + 1)), c => c.charCodeAt(0));
  return new Blob([bytes], { type: url.slice(5, url.indexOf(';')) });
}
