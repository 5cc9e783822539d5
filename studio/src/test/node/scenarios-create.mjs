// Scenarios about creating pictures: a drawing that forms from its previews, kept in the conversation, varied and
// inpainted under a mask painted with the mouse (the pixels are read back from the page, so a blank or unchanged
// picture fails); and an answer read aloud.
import { statSync } from 'node:fs';
import { chatSettings, idle, open, pickModel, send } from './studio-page.mjs';

/** RGB values of an image element's picture, read through a canvas: {width, height, rgb: number[]}. */
async function pixels(t, locator) {
  return locator.evaluate(async img => {
    if (!img.complete) await new Promise(resolve => img.addEventListener('load', resolve, { once: true }));
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const g = canvas.getContext('2d');
    g.drawImage(img, 0, 0);
    const data = g.getImageData(0, 0, canvas.width, canvas.height).data;
    const rgb = [];
    for (let i = 0; i < data.length; i += 4) rgb.push(data[i], data[i + 1], data[i + 2]);
    return { width: canvas.width, height: canvas.height, rgb };
  });
}

/** The mean absolute difference of two pictures' values over the columns [from, to). */
function difference(a, b, from = 0, to = a.width) {
  let sum = 0, n = 0;
  for (let y = 0; y < a.height; y++)
    for (let x = from; x < to; x++)
      for (let c = 0; c < 3; c++, n++) sum += Math.abs(a.rgb[(y * a.width + x) * 3 + c] - b.rgb[(y * b.width + x) * 3 + c]);
  return sum / n;
}

/**
 * Draw, watch it form, find it again after a reload, draw a variation, then paint over its left part and redraw only
 * that: the right part keeps its pixels (but for the watermark every new picture gets), the painted part changes.
 */
export async function create(t) {
  await open(t);
  await pickModel(t, 'tiny-sd');
  const options = t.page.getByRole('group', { name: 'Drawing options' });
  await options.waitFor();
  t.check(await t.page.getByRole('textbox', { name: 'Message', exact: true }).getAttribute('placeholder') === 'Describe a picture',
    'the message box asks for a picture');
  await options.getByLabel('Size').fill('64x64');
  await options.getByLabel('Steps').fill('6');
  await options.getByLabel('Guidance').fill('0');
  await options.getByLabel('Seed').fill('42');

  // every picture the answer shows while it is drawn, as it changes
  await t.page.evaluate(() => {
    window.museFrames = [];
    setInterval(() => {
      const img = document.querySelector('.message.assistant:last-of-type img');
      if (img && img.src !== window.museFrames.at(-1)) window.museFrames.push(img.src);
    }, 5);
  });
  await send(t, 'a red fox in snow, watercolor');
  await t.page.getByText(/Drawing… step \d/).waitFor();
  await t.screenshot('forming');
  await idle(t);
  const first = t.page.locator('.message.assistant').first();
  await first.getByText('64x64 · 6 steps · guidance 0 · seed 42').waitFor();
  const frames = await t.page.evaluate(() => window.museFrames);
  t.check(frames.length >= 4, `the picture formed in steps: ${frames.length} pictures shown`);
  const picture = first.getByRole('img', { name: 'Generated image 1' });
  const drawn = await pixels(t, picture);
  t.check(drawn.width === 64 && drawn.height === 64, `a 64x64 picture, not ${drawn.width}x${drawn.height}`);
  t.check(new Set(drawn.rgb).size > 40, 'a picture, not a flat fill');
  const preview = await t.page.evaluate(async url => {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width;
    canvas.height = img.height;
    canvas.getContext('2d').drawImage(img, 0, 0);
    return { width: img.width, height: img.height, rgb: [...canvas.getContext('2d').getImageData(0, 0, img.width, img.height).data].filter((v, i) => i % 4 < 3) };
  }, frames[0]);
  t.check(preview.width === 64 && difference(preview, drawn) > 1, 'the first preview is the picture as it stood, not the finished one');
  t.check(await first.getByRole('link', { name: /Download/ }).count() === 1, 'the picture can be downloaded');
  const badge = first.locator('.provenance');
  await badge.getByText('Made with AI by Muse').waitFor();
  await badge.locator('summary').click();
  const credentials = await badge.locator('.provenance-details').textContent();
  t.check(credentials.includes('created by tiny-sd') && credentials.includes('(trusted)'),
    `the badge unfolds the picture's content credentials: ${credentials}`);
  t.check(/Image watermark(found|recorded) \([0-9a-f]{12}\)/.test(credentials), `and its watermark: ${credentials}`);
  await badge.locator('summary').click();
  await t.screenshot('drawn');

  // kept: after a reload the picture and its parameters are still there, and so are the drawing options
  await t.page.reload();
  await t.page.locator('.message.assistant').first().getByText('seed 42').waitFor();
  t.check(await options.getByLabel('Size').inputValue() === '64x64' && await options.getByLabel('Steps').inputValue() === '6',
    'the drawing options are kept in this browser');
  const kept = await pixels(t, t.page.locator('.message.assistant').first().getByRole('img', { name: 'Generated image 1' }));
  t.check(difference(kept, drawn) === 0, 'the stored picture is the drawn one');

  // a variation: the same prompt and settings with another seed
  await t.page.locator('.message.assistant').first().getByRole('button', { name: 'Draw a variation (another seed)' }).click();
  await idle(t);
  await t.page.locator('.message.assistant').nth(1).getByText('64x64 · 6 steps').waitFor();
  const variation = await pixels(t, t.page.locator('.message.assistant').nth(1).getByRole('img', { name: 'Generated image 1' }));
  t.check(difference(variation, drawn) > 5, 'another seed draws another picture');

  // inpainting: paint over the left part of the first picture, redraw it as a cat
  await t.page.locator('.message.assistant').first().getByRole('button', { name: 'Edit this picture' }).click();
  const dialog = t.page.getByRole('dialog', { name: 'Edit this picture' });
  await dialog.waitFor();
  await dialog.getByLabel('Brush').fill('160');
  const canvas = dialog.getByLabel('Paint where the picture should be redrawn');
  const box = await canvas.boundingBox();
  for (const row of [0.05, 0.25, 0.45, 0.65, 0.85, 0.97]) { // strokes over the left third
    await t.page.mouse.move(box.x + 2, box.y + box.height * row);
    await t.page.mouse.down();
    await t.page.mouse.move(box.x + box.width * 0.3, box.y + box.height * row, { steps: 5 });
    await t.page.mouse.up();
  }
  await dialog.getByLabel('What it should show').fill('a cat on the moon');
  await dialog.getByLabel('Strength').fill('1');
  await t.screenshot('painting');
  await dialog.getByRole('button', { name: 'Redraw' }).click();
  await idle(t);
  const edited = t.page.locator('.message.assistant').nth(2);
  await edited.getByText('strength 1').waitFor();
  const inpainted = await pixels(t, edited.getByRole('img', { name: 'Generated image 1' }));
  const unpainted = difference(inpainted, drawn, 48, 64);
  t.check(unpainted < 4, `the unpainted right part keeps its pixels, but for the new picture's watermark (mean change ${unpainted.toFixed(2)} levels)`);
  const painted = difference(inpainted, drawn, 0, 16);
  t.check(painted > 5, `the painted left part is redrawn (mean change ${painted.toFixed(1)} levels)`);
  const stored = await t.api('GET', `v1/conversations/${new URLSearchParams(new URL(t.page.url()).hash.slice(1)).get('c')}`);
  t.check(stored.messages.length === 6, `three prompts and three pictures are kept: ${stored.messages.length} messages`);
  t.check(stored.messages[5].content[0].muse_drawing.strength === 1, 'the edit keeps its strength with the picture');
  await edited.locator('.provenance').getByText('Made with AI by Muse').waitFor();
  await edited.locator('.provenance summary').click();
  t.check((await edited.locator('.provenance-details').textContent()).includes('edited by tiny-sd'), 'the edit is credited as an edit');
  await t.screenshot();
}

/**
 * An answer read aloud by the server's speech model (a random-weight Kokoro, which the chat's model picker does not
 * offer: one cannot chat with a voice): it plays as its audio arrives (the page's
 * AudioContext runs and samples are scheduled), stops on request, can be downloaded as a WAV file once said whole, and
 * with auto-speak on the next answer is read without a click, in the voice and at the pace picked in the settings.
 */
export async function speak(t) {
  await open(t);
  const offered = await t.page.getByLabel('Model', { exact: true }).locator('option').evaluateAll(options => options.map(o => o.value));
  t.check(!offered.includes('kokoro') && offered.includes('tiny-chat'), `the chat's model picker leaves the voice out (${offered.join(', ')})`);
  await pickModel(t, 'tiny-chat');
  await chatSettings(t, { temperature: 0, maxTokens: 4 });
  await send(t, 'Say hello');
  await idle(t);
  await t.page.getByRole('button', { name: 'Read aloud' }).last().click();
  await t.page.getByRole('button', { name: 'Stop reading aloud' }).waitFor();
  await t.page.waitForFunction(() => window.museSpeech?.samples() > 0, null, { timeout: 120000 });
  t.check(await t.page.evaluate(() => window.museSpeech.state()) === 'running', 'the page plays the speech as it arrives');
  await t.screenshot('reading');
  const download = t.page.getByRole('link', { name: 'Download the speech' }).last();
  await download.waitFor({ timeout: 120000 });
  const said = await t.page.evaluate(() => window.museSpeech.samples());
  const [file] = await Promise.all([t.page.waitForEvent('download'), download.click()]);
  const bytes = statSync(await file.path()).size;
  t.check(bytes === 44 + 2 * said, `the download is a WAV of what was played (${bytes} bytes, ${said} samples)`);
  await t.page.getByRole('button', { name: 'Read aloud' }).last().waitFor({ timeout: 60000 });

  // Said again, then stopped part-way.
  await t.page.getByRole('button', { name: 'Read aloud' }).last().click();
  await t.page.getByRole('button', { name: 'Stop reading aloud' }).click();
  await t.page.getByRole('button', { name: 'Read aloud' }).last().waitFor();

  // The voice, pace and auto-speak in the settings: the next answer is read without a click.
  await t.page.getByRole('button', { name: 'Chat settings' }).click();
  const dialog = t.page.getByRole('dialog', { name: 'Chat settings' });
  await dialog.getByLabel('Voice', { exact: true }).selectOption('bf_test');
  await dialog.getByLabel('Speed', { exact: true }).fill('1.5');
  await dialog.getByLabel('Read every answer aloud when it is written').check();
  await dialog.getByRole('button', { name: 'Save' }).click();
  const before = await t.page.evaluate(() => window.museSpeech.key);
  await send(t, 'And again');
  await idle(t);
  await t.page.waitForFunction(previous => window.museSpeech?.key !== previous && window.museSpeech.samples() > 0, before, { timeout: 120000 });
  t.check(await t.page.evaluate(() => localStorage.getItem('muse.voice')) === 'bf_test', 'the voice picked is kept in this browser');
  await t.screenshot('auto-speak');

  // An answer is said while it is written: each run of finished sentences is asked for as its last delta arrives (the
  // chat stream is played back here, so the sentences are known), the unfinished rest when the answer ends.
  const asked = [];
  t.page.on('request', r => { if (r.url().endsWith('/v1/audio/speech')) asked.push(JSON.parse(r.postData()).input); });
  const deltas = ['Hello there. ', 'Muse speaks ', 'while it writes! ', 'The end'];
  const body = deltas.map(content => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`).join('') + 'data: [DONE]\n\n';
  await t.page.route('**/v1/chat/completions', route => route.fulfill({ status: 200, headers: { 'Content-Type': 'text/event-stream' }, body }));
  await send(t, 'Talk to me');
  for (let i = 0; i < 1200 && asked.length < 3; i++) await t.page.waitForTimeout(100); // each waits for the one before
  t.check(JSON.stringify(asked) === JSON.stringify(['Hello there.', 'Muse speaks while it writes!', 'The end']),
    `sentences said as they are written: ${JSON.stringify(asked)}`);
  await t.page.unroute('**/v1/chat/completions');
}

/**
 * Muse's own tools in a chat: the chat's settings turn them on (sent as muse_tools), the request is made to call
 * generate_image by name on its way out (a random-weight model never calls by itself), and the studio shows the step
 * (what was called, what came back) with the picture it made, and the same after a reload.
 */
export async function museTools(t) {
  await open(t);
  await pickModel(t, 'tiny-caller');
  await chatSettings(t, { temperature: 0, maxTokens: 600 });
  await t.page.getByRole('button', { name: 'Chat settings' }).click();
  const dialog = t.page.getByRole('dialog', { name: 'Chat settings' });
  await dialog.getByLabel(/Let Muse use its tools/).check();
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'hidden' });
  let sent = null;
  await t.page.route('**/v1/chat/completions', route => {
    sent = route.request().postDataJSON();
    route.continue({ postData: JSON.stringify({ ...sent, parallel_tool_calls: false,
      tool_choice: { type: 'function', function: { name: 'generate_image' } } }) });
  });
  await send(t, 'Draw a fox in the snow.');
  await idle(t, 120000);
  t.check(sent?.muse_tools === true, `the chat asks for Muse's tools: ${JSON.stringify(sent)}`);
  const check = async when => {
    const reply = t.page.locator('.message.assistant').last();
    const step = reply.locator('.tool-step');
    await step.first().waitFor();
    t.check(await step.count() === 1, `${when}: one step`);
    const summary = await step.locator('summary').first().textContent();
    t.check(summary.startsWith('Used generate image: Drew a '), `${when}: the step says what was used and what came back: ${summary}`);
    const picture = step.locator('.tool-output img');
    await picture.waitFor();
    t.check(await picture.evaluate(img => img.complete && img.naturalWidth > 0), `${when}: the picture it made is shown`);
    await step.locator('.provenance').getByText('Made with AI by Muse').waitFor();
    await step.locator('summary').first().click();
    t.check((await step.locator('.tool-arguments').textContent()).includes('"prompt"'), `${when}: with what it was called`);
    await t.screenshot(when);
  };
  await check('streamed');
  await t.page.unroute('**/v1/chat/completions');
  await t.page.reload();
  await check('reloaded');
}
