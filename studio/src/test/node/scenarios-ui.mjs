// Scenarios about the interface: themes, how answers are rendered, keyboard use, a phone-width window.
import { idle, lastAnswer, open, pickModel, png, send, wav } from './studio-page.mjs';

const theme = t => t.page.evaluate(() => document.documentElement.dataset.theme);
const background = t => t.page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
const darkness = rgb => {
  const [r, g, b] = rgb.match(/\d+/g).map(Number);
  return 1 - (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
};

/** Follows the system's scheme until switched; the switch is kept across reloads. */
export async function themes(t) {
  await open(t);
  await pickModel(t, 'stories260K');
  await send(t, 'The moon and the sea');
  await idle(t);
  t.check(await theme(t) === 'light', 'a light system scheme gives the light theme');
  t.check(darkness(await background(t)) < 0.2, `a light background: ${await background(t)}`);
  await t.screenshot('light');
  const toggle = t.page.getByRole('button', { name: 'Dark theme' });
  t.check(await toggle.getAttribute('aria-pressed') === 'false', 'the dark theme switch is off');
  await toggle.click();
  t.check(await theme(t) === 'dark', 'the switch turns the dark theme on');
  t.check(await toggle.getAttribute('aria-pressed') === 'true', 'and says so');
  t.check(darkness(await background(t)) > 0.8, `a dark background: ${await background(t)}`);
  await t.page.reload();
  await lastAnswer(t).waitFor();
  t.check(await theme(t) === 'dark', 'the choice is kept across a reload');
  await t.screenshot('dark');

  await t.page.evaluate(() => localStorage.removeItem('muse.theme'));
  await t.page.emulateMedia({ colorScheme: 'dark' });
  await t.page.reload();
  await t.page.locator('#model option').first().waitFor({ state: 'attached' });
  t.check(await theme(t) === 'dark', 'with no choice made, a dark system scheme gives the dark theme');
  await t.page.emulateMedia({ colorScheme: 'light' });
  await t.page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
  await t.screenshot();
}

const MARKDOWN = `## Plan
Here is **bold**, *italic*, ~~gone~~, \`inline code\` and a [link](https://example.com/docs).

1. First
2. Second
   - nested one
   - nested two

| Tool | Stars |
|:-----|------:|
| Muse | 5 |
| Other | 3 |

\`\`\`js
const answer = 42;
\`\`\`

> quoted

<img src=x onerror="window.pwned = 1"> <script>window.pwned = 2</script> [click](javascript:window.pwned=3)`;

/**
 * Answers as a model could write them, stored through the API: Markdown with code to copy and a table,
 * HTML that must stay text, generated media with download links and provenance badges, and thinking.
 */
export async function rendering(t) {
  await open(t);
  const picture = await png(t, 'generated.png');
  const c = await t.api('POST', 'v1/conversations', { title: 'Rendering check', model: 'tiny-chat' });
  const add = (role, content) => t.api('POST', `v1/conversations/${c.id}/messages`, { role, content });
  await add('user', 'Show me everything');
  await add('assistant', MARKDOWN);
  await add('user', 'And a picture with a sound?');
  await add('assistant', [{ type: 'text', text: 'Here is a picture and a sound.' },
    { type: 'image_url', image_url: { url: `data:image/png;base64,${picture.buffer.toString('base64')}` } },
    { type: 'input_audio', input_audio: { data: wav().buffer.toString('base64'), format: 'wav' } }]);
  await add('user', 'Now a haiku, thinking first');
  await add('assistant', '<think>The person wants a haiku.\nCount the syllables: 5, 7, 5.</think>Autumn moonlight\na worm digs silently\ninto the chestnut.');
  await open(t, `#c=${c.id}`);
  const first = t.page.locator('.message.assistant .answer').first();
  await first.locator('h4', { hasText: 'Plan' }).waitFor();

  for (const [tag, text] of [['strong', 'bold'], ['em', 'italic'], ['del', 'gone'], ['code', 'inline code'], ['blockquote', 'quoted']])
    t.check(await first.locator(tag, { hasText: text }).count() === 1, `<${tag}> ${text}`);
  const link = first.getByRole('link', { name: 'link' });
  t.check(await link.getAttribute('href') === 'https://example.com/docs' && (await link.getAttribute('rel')).includes('noopener'), 'a safe link');
  t.check(await first.locator('ol > li').count() === 2 && await first.locator('ol ul > li').count() === 2, 'an ordered list with a nested list');
  t.check(await first.locator('th').allTextContents().then(h => h.join('|')) === 'Tool|Stars', 'table header');
  t.check(await first.locator('td.align-right').allTextContents().then(d => d.join('|')) === '5|3', 'right-aligned table column');
  const code = first.locator('.code-block');
  t.check(await code.locator('code').textContent() === 'const answer = 42;', 'the code block');
  await code.getByRole('button', { name: 'Copy js' }).click();
  await code.getByText('Copied').waitFor();
  t.check(await t.page.evaluate(() => navigator.clipboard.readText()) === 'const answer = 42;', 'the code is on the clipboard');

  const list = t.page.locator('#message-list');
  t.check(await list.locator('img[src="x"], script').count() === 0, 'HTML in an answer creates no elements');
  t.check(await t.page.evaluate(() => window.pwned) === undefined, 'and runs nothing');
  t.check((await first.textContent()).includes('<img src=x onerror="window.pwned = 1"> <script>window.pwned = 2</script>'), 'it is shown as text');
  t.check(await first.locator('a[href^="javascript"]').count() === 0 && (await first.textContent()).includes('click'), 'a javascript: link is only text');

  const media = t.page.locator('.message.assistant').nth(1);
  const image = media.getByRole('img', { name: 'Generated image 1' });
  t.check(await image.evaluate(img => img.complete && img.naturalWidth === 64), 'the generated image is shown inline');
  t.check(await media.locator('audio').evaluate(a => a.src.startsWith('data:audio/wav;base64,')), 'the generated audio has a player');
  t.check(await media.locator('.provenance').count() === 2, 'each generated item has its provenance badge');
  await media.locator('.provenance[data-provenance="none"]').nth(1).waitFor(); // each badge asks the server on its own
  t.check(await media.locator('.provenance[data-provenance="none"]').count() === 2
    && (await media.locator('.provenance').first().textContent()).includes('No content credentials'), 'which says none came with them (the server checked)');
  const [download] = await Promise.all([t.page.waitForEvent('download'), media.getByRole('link', { name: 'Download muse-image-1.png' }).click()]);
  t.check(download.suggestedFilename() === 'muse-image-1.png', `the image downloads as ${download.suggestedFilename()}`);
  t.check(await media.getByRole('link', { name: 'Download muse-audio-2.wav' }).count() === 1, 'the audio can be downloaded too');

  const haiku = t.page.locator('.message.assistant').nth(2);
  const thinking = haiku.locator('details.thinking');
  t.check(!(await thinking.evaluate(d => d.open)), 'finished thinking is folded away');
  t.check(await thinking.locator('summary').textContent() === 'Thought process', 'under a summary');
  t.check((await haiku.locator('.answer').textContent()).startsWith('Autumn moonlight'), 'the answer is shown without the thinking');
  await thinking.locator('summary').click();
  await thinking.getByText('Count the syllables: 5, 7, 5.').waitFor();
  await t.screenshot();
  await media.scrollIntoViewIfNeeded();
  await t.screenshot('media');
}

/**
 * Keyboard only: every control has a name and a visible focus, Tab reaches them in a sensible order,
 * the mode switch moves with arrow keys and its mode is sent; then the same studio at phone width.
 */
export async function keyboard(t) {
  await open(t);
  const unnamed = await t.page.evaluate(() => [...document.querySelectorAll('button, input, select, textarea, a[href], summary')]
    .filter(e => !(e.getAttribute('aria-label') || e.getAttribute('aria-labelledby') || e.labels?.length || e.textContent.trim() || e.title))
    .map(e => e.outerHTML.slice(0, 100)));
  t.check(unnamed.length === 0, `every control has a name: ${unnamed.join(', ')}`);

  await t.page.locator('body').focus();
  const order = []; // one round of Tab through the page, back to where it started
  for (let k = 0; k < 300 && (k < 2 || order.at(-1) !== order[0]); k++) {
    await t.page.keyboard.press('Tab');
    order.push(await t.page.evaluate(() => {
      const e = document.activeElement;
      return (e.getAttribute('aria-label') || e.labels?.[0]?.textContent || e.textContent || e.id).replace(/\s+/g, ' ').trim();
    }));
  }
  const expected = ['Skip to the message box', 'New chat', 'Search conversations', 'Model', 'Instant', 'Chat settings', 'Dark theme',
    'Attach images or audio', 'Record audio', 'Message', 'Send'];
  let at = -1;
  for (const name of expected) {
    const next = order.indexOf(name, at + 1);
    t.check(next > at, `Tab reaches "${name}" after the controls before it; the order was: ${order.join(' → ')}`);
    at = next;
  }

  await t.page.getByRole('radio', { name: 'Instant' }).focus();
  await t.page.keyboard.press('ArrowRight');
  t.check(await t.page.getByRole('radio', { name: 'Thinking' }).isChecked(), 'arrow keys move the mode switch');
  t.check(await t.page.evaluate(() => getComputedStyle(document.querySelector('#mode-thinking + label')).outlineStyle) !== 'none',
    'the focused mode shows a focus ring');

  await t.page.getByRole('button', { name: 'Chat settings' }).focus();
  t.check(await t.page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle) !== 'none', 'a focused button shows a focus ring');
  await t.page.keyboard.press('Enter');
  const dialog = t.page.getByRole('dialog', { name: 'Chat settings' });
  await dialog.waitFor();
  t.check(await dialog.evaluate(d => d.contains(document.activeElement)), 'the dialog takes the focus');
  await t.page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  t.check(await t.page.evaluate(() => document.activeElement.id) === 'open-settings', 'closing it gives the focus back');

  await t.page.getByRole('link', { name: 'Skip to the message box' }).focus();
  await t.page.keyboard.press('Enter');
  t.check(await t.page.evaluate(() => document.activeElement.id) === 'composer-input', 'the skip link goes to the message box');
  await pickModel(t, 'stories260K');
  await t.page.getByRole('textbox', { name: 'Message', exact: true }).focus();
  const request = t.page.waitForRequest(r => r.url().endsWith('/v1/chat/completions'));
  await t.page.keyboard.type('A quiet morning');
  await t.page.keyboard.press('Enter');
  const body = (await request).postDataJSON();
  t.check(body.mode === 'thinking' && body.stream === true && typeof body.conversation_id === 'string', `the request carries the mode: ${JSON.stringify(body)}`);
  await idle(t);
  await t.screenshot();

  await t.page.setViewportSize({ width: 375, height: 740 });
  t.check(await t.page.evaluate(() => document.documentElement.scrollWidth) <= 375, 'nothing is wider than a phone');
  const drawer = t.page.getByRole('button', { name: 'Show conversations' });
  await t.page.waitForFunction(() => document.getElementById('sidebar').getBoundingClientRect().right <= 0); // the list is tucked away
  await t.page.locator('#new-chat').waitFor({ state: 'hidden', timeout: 2000 }); // hidden, so Tab does not wander off screen
  await t.screenshot('phone');
  await drawer.click();
  t.check(await drawer.getAttribute('aria-expanded') === 'true', 'the menu button says the list is open');
  await t.page.getByRole('button', { name: /^A quiet morning/ }).waitFor();
  await t.page.waitForFunction(() => document.getElementById('sidebar').getBoundingClientRect().left >= 0);
  await t.screenshot('phone-list');
  await t.page.keyboard.press('Escape');
  await t.page.waitForFunction(() => document.getElementById('sidebar').getBoundingClientRect().right <= 0);
  t.check(await t.page.evaluate(() => document.activeElement.id) === 'open-sidebar', 'closing the list gives the focus back to its button');
}

/** The Markdown parser on the cases that trip parsers up, run in the page on the studio's own module. */
export async function markdown(t) {
  await open(t);
  const cases = {
    'snake_case_name and 2 * 3 * 4': [{ t: 'p', c: ['snake_case_name and 2 * 3 * 4'] }],
    '**bold *and italic***': [{ t: 'p', c: [{ t: 'strong', c: ['bold ', { t: 'em', c: ['and italic'] }] }] }],
    '\\*not em\\* and \\<b\\>': [{ t: 'p', c: ['*not em* and <b>'] }],
    'a `code with **stars**` b': [{ t: 'p', c: ['a ', { t: 'codespan', text: 'code with **stars**' }, ' b'] }],
    'line one\nline two': [{ t: 'p', c: ['line one', { t: 'br' }, 'line two'] }],
    '```py\nprint(1)\n': [{ t: 'code', lang: 'py', text: 'print(1)' }],
    'Steps:\n- one\n- two\n  - two a\n\n3. three': [{ t: 'p', c: ['Steps:'] },
      { t: 'ul', start: 1, loose: false, items: [[{ t: 'p', c: ['one'] }], [{ t: 'p', c: ['two'] }, { t: 'ul', start: 1, loose: false, items: [[{ t: 'p', c: ['two a'] }]] }]] },
      { t: 'ol', start: 3, loose: false, items: [[{ t: 'p', c: ['three'] }]] }],
    'a | b\n--|--\n1 | 2 \\| 3': [{ t: 'table', align: [null, null], head: [['a'], ['b']], rows: [[['1'], ['2 | 3']]] }],
    'see https://muse.dev/docs. and [x](data:text/html,hi)': [{ t: 'p', c: ['see ', { t: 'a', href: 'https://muse.dev/docs', c: ['https://muse.dev/docs'] }, '. and ', 'x'] }],
    '![cat](https://cats.example/c.png)': [{ t: 'p', c: [{ t: 'a', href: 'https://cats.example/c.png', c: ['image: cat'] }] }],
    '> quote\ncontinued\n\n---\n# Title #': [{ t: 'quote', c: [{ t: 'p', c: ['quote', { t: 'br' }, 'continued'] }] }, { t: 'hr' }, { t: 'h', level: 1, c: ['Title'] }],
    '<script>alert(1)</script>': [{ t: 'p', c: ['<script>alert(1)</script>'] }],
  };
  const results = await t.page.evaluate(async sources => {
    const { parse } = await import(new URL('studio/js/markdown.js', document.baseURI).href);
    return sources.map(source => parse(source));
  }, Object.keys(cases));
  const canonical = value => JSON.stringify(value, (_, v) => v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v);
  Object.entries(cases).forEach(([source, expected], k) =>
    t.check(canonical(results[k]) === canonical(expected), `${JSON.stringify(source)}\n  parsed ${canonical(results[k])}\n  wanted ${canonical(expected)}`));
  await t.screenshot();
}
