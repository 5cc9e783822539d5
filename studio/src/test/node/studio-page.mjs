// Steps the scenarios share, written as a person would do them: by labels and visible text.

/** Opens the studio and waits until it has started: models and conversations listed, the message box focused. */
export async function open(t, path = '') {
  await t.page.goto(new URL(path, t.base).href);
  await t.page.locator('#model option').first().waitFor({ state: 'attached' });
  await t.page.waitForFunction(() => document.activeElement?.id === 'composer-input');
}

/** Picks a model in the model picker. */
export async function pickModel(t, id) {
  await t.page.getByLabel('Model', { exact: true }).selectOption(id);
}

/** Sets this chat's temperature and max tokens through the settings dialog. */
export async function chatSettings(t, { temperature, maxTokens, system }) {
  await t.page.getByRole('button', { name: 'Chat settings' }).click();
  const dialog = t.page.getByRole('dialog', { name: 'Chat settings' });
  if (system !== undefined) await dialog.getByLabel('System prompt').fill(system);
  if (temperature !== undefined) await dialog.getByLabel('Temperature').fill(String(temperature));
  if (maxTokens !== undefined) await dialog.getByLabel('Max tokens').fill(String(maxTokens));
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'hidden' });
}

/** Types a message and presses Enter. */
export async function send(t, text) {
  const box = t.page.getByRole('textbox', { name: 'Message', exact: true });
  await box.fill(text);
  await box.press('Enter');
}

/** Waits until no answer is streaming (the Send button is back). */
export async function idle(t, timeout = 60000) {
  await t.page.getByRole('button', { name: 'Send', exact: true }).waitFor({ state: 'visible', timeout });
}

export const answers = t => t.page.locator('.message.assistant .answer');
export const lastAnswer = t => answers(t).last();

/** A PNG drawn by the browser itself (a canvas): {name, mimeType, buffer}, for file inputs. */
export async function png(t, name = 'sunset.png', width = 64, height = 48) {
  const base64 = await t.page.evaluate(([w, h]) => {
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const g = canvas.getContext('2d');
    const sky = g.createLinearGradient(0, 0, 0, h);
    sky.addColorStop(0, '#ff7a45');
    sky.addColorStop(1, '#6d4aff');
    g.fillStyle = sky;
    g.fillRect(0, 0, w, h);
    g.fillStyle = '#ffd666';
    g.beginPath();
    g.arc(w / 2, h * 0.7, h / 4, 0, Math.PI * 2);
    g.fill();
    return canvas.toDataURL('image/png').split(',')[1];
  }, [width, height]);
  return { name, mimeType: 'image/png', buffer: Buffer.from(base64, 'base64') };
}

/** A second of a 440 Hz tone as 16-bit PCM WAV. */
export function wav(name = 'tone.wav', rate = 16000) {
  const samples = rate;
  const buffer = Buffer.alloc(44 + samples * 2);
  buffer.write('RIFF', 0);
  buffer.writeUInt32LE(36 + samples * 2, 4);
  buffer.write('WAVEfmt ', 8);
  buffer.writeUInt32LE(16, 16);
  buffer.writeUInt16LE(1, 20);
  buffer.writeUInt16LE(1, 22);
  buffer.writeUInt32LE(rate, 24);
  buffer.writeUInt32LE(rate * 2, 28);
  buffer.writeUInt16LE(2, 32);
  buffer.writeUInt16LE(16, 34);
  buffer.write('data', 36);
  buffer.writeUInt32LE(samples * 2, 40);
  for (let k = 0; k < samples; k++) buffer.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * k) / rate) * 8000), 44 + k * 2);
  return { name, mimeType: 'audio/wav', buffer };
}
