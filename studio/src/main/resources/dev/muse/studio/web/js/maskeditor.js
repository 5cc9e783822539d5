// "Edit this picture": the picture in a dialog with a brush to paint where it should be redrawn (nothing painted: the
// whole picture is redrawn), a prompt and a strength. The painted layer becomes the mask the images API takes: an
// opaque PNG of the picture's size, white where painted (the server reads light pixels as the part to redraw).

export class MaskEditor {
  constructor() {
    this.dialog = document.getElementById('edit-dialog');
    this.picture = document.getElementById('edit-picture');
    this.paint = document.getElementById('edit-mask');
    this.brush = document.getElementById('edit-brush');
    this.prompt = document.getElementById('edit-prompt');
    this.strength = document.getElementById('edit-strength');
    this.painted = false;
    document.getElementById('edit-clear').addEventListener('click', () => this.clear());
    document.getElementById('edit-cancel').addEventListener('click', () => this.dialog.close('cancel'));
    let last = null;
    const at = event => {
      const box = this.paint.getBoundingClientRect();
      return { x: (event.clientX - box.left) * this.paint.width / box.width, y: (event.clientY - box.top) * this.paint.height / box.height };
    };
    this.paint.addEventListener('pointerdown', event => {
      this.paint.setPointerCapture(event.pointerId);
      last = at(event);
      this.stroke(last, last);
    });
    this.paint.addEventListener('pointermove', event => {
      if (!last) return;
      const next = at(event);
      this.stroke(last, next);
      last = next;
    });
    const end = () => { last = null; };
    this.paint.addEventListener('pointerup', end);
    this.paint.addEventListener('pointercancel', end);
  }

  /** Opens on a picture (a data: URL); resolves to {prompt, strength, mask: Blob or null} or to null when cancelled. */
  async open(url, prompt) {
    await new Promise((resolve, reject) => {
      this.picture.onload = resolve;
      this.picture.onerror = () => reject(new Error('the picture could not be shown'));
      this.picture.src = url;
    });
    this.paint.width = this.picture.naturalWidth;
    this.paint.height = this.picture.naturalHeight;
    this.clear();
    this.prompt.value = prompt;
    this.dialog.returnValue = '';
    this.dialog.showModal();
    this.prompt.focus();
    await new Promise(resolve => this.dialog.addEventListener('close', resolve, { once: true }));
    if (this.dialog.returnValue !== 'redraw' || !this.prompt.value.trim()) return null;
    return { prompt: this.prompt.value.trim(), strength: Number(this.strength.value) || 0.75, mask: this.painted ? await this.mask() : null };
  }

  clear() {
    this.paint.getContext('2d').clearRect(0, 0, this.paint.width, this.paint.height);
    this.painted = false;
  }

  /** A round-ended line of the brush's width (in the picture's pixels) from a to b. */
  stroke(a, b) {
    const g = this.paint.getContext('2d');
    g.strokeStyle = '#fff';
    g.lineCap = 'round';
    g.lineJoin = 'round';
    g.lineWidth = Number(this.brush.value) * this.paint.width / 512;
    g.beginPath();
    g.moveTo(a.x, a.y);
    g.lineTo(b.x + 0.01, b.y); // a dot needs a line of some length to be drawn
    g.stroke();
    this.painted = true;
  }

  /** The painted layer on black, as a PNG. */
  mask() {
    const out = document.createElement('canvas');
    out.width = this.paint.width;
    out.height = this.paint.height;
    const g = out.getContext('2d');
    g.fillStyle = '#000';
    g.fillRect(0, 0, out.width, out.height);
    g.drawImage(this.paint, 0, 0);
    return new Promise(resolve => out.toBlob(resolve, 'image/png'));
  }
}
