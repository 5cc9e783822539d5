// Scenarios about chatting: streaming, stop, finding a conversation again, attachments, keys, restarts.
import { chatSettings, idle, lastAnswer, open, pickModel, png, send, wav } from './studio-page.mjs';

const conversationId = t => new URLSearchParams(new URL(t.page.url()).hash.slice(1)).get('c');

/**
 * The stored conversation once its last answer is marked complete (and {@code ready} accepts it): the
 * server does that just after the answer's stream has ended, so a read at once can still find it incomplete.
 */
async function settled(t, id, ready = () => true) {
  for (let tries = 0; ; tries++) {
    const stored = await t.api('GET', `v1/conversations/${id}`);
    const last = stored.messages.at(-1);
    // A user's turn is stored complete before its answer begins, so only an answer's status means settled.
    if ((last?.role === 'assistant' && last.status === 'complete' && ready(stored)) || tries === 100) return stored;
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

/** A prompt to the bundled model: the answer shows piece by piece while it streams, then its numbers. */
export async function stream(t) {
  await open(t);
  await pickModel(t, 'stories260K');
  await send(t, 'Once upon a time');
  const partial = await t.page.waitForFunction(() => {
    const answer = document.querySelector('.message.assistant .answer.typing');
    const streaming = !document.getElementById('stop').hidden;
    return streaming && answer && answer.textContent.trim().length > 0 ? answer.textContent : null;
  }, null, { polling: 'raf', timeout: 30000 });
  const seen = await partial.jsonValue();
  await t.screenshot('streaming');
  await idle(t);
  // The answer's stored id (which regenerate needs) and the context used come with the read just after the stream.
  await t.page.getByRole('button', { name: 'Regenerate the answer' }).waitFor();
  await t.page.waitForFunction(() => /Context \d+ \//.test(document.querySelector('.stats').innerText));
  const final = await lastAnswer(t).textContent();
  t.check(final.length > seen.length, `the answer kept growing after it was first seen (${seen.length} then ${final.length} characters)`);
  t.check(await t.page.locator('.answer.typing').count() === 0, 'no typing cursor once the answer is done');
  const stats = await t.page.locator('.stats').innerText();
  t.check(/First token \d+(\.\d+)? m?s/.test(stats), `time to first token shown: ${stats}`);
  t.check(/\b\d+\.\d tok\/s/.test(stats) && !stats.includes('~'), `the final tokens per second shown: ${stats}`);
  t.check(/Context \d+ \/ 512/.test(stats), `context used of the model's 512-token window: ${stats}`);
  await t.screenshot();
}

/** Stop mid-stream: the answer stops growing, says it was stopped, and the server kept it as incomplete. */
export async function stop(t) {
  await open(t);
  await pickModel(t, 'tiny-chat');
  await chatSettings(t, { temperature: 0 }); // greedy on random weights: an answer as long as the context allows
  await send(t, 'Tell me the longest story you know');
  await t.page.waitForFunction(() => (document.querySelector('.message.assistant .answer.typing')?.textContent.length ?? 0) > 40);
  await t.page.getByRole('button', { name: 'Stop generating' }).click();
  await idle(t, 10000);
  await t.page.getByText('Stopped. What was written so far is saved.').waitFor();
  // The read after the stream shows the stored answer, which may hold the few tokens still in flight at the stop.
  await t.page.getByRole('button', { name: 'Regenerate the answer' }).waitFor();
  const stopped = await lastAnswer(t).textContent();
  await t.page.waitForTimeout(800);
  t.check(await lastAnswer(t).textContent() === stopped, 'the answer no longer grows');
  const stored = await t.api('GET', `v1/conversations/${conversationId(t)}`);
  t.check(stored.messages.length === 2, `the turn and the stopped answer are stored: ${stored.messages.length} messages`);
  t.check(stored.messages[1].status === 'incomplete', `the server kept the stopped answer as incomplete: ${stored.messages[1].status}`);
  t.check(stored.messages[1].content.length > 0 && stored.messages[1].content.length < 2000 * 8, 'the answer was cut off early, not run to the end');
  t.check(await t.page.getByRole('textbox', { name: 'Message', exact: true }).isEnabled(), 'the message box is ready again');
  await t.screenshot();
}

/** A conversation survives a reload, is found in the list and by search, and can be renamed and deleted. */
export async function reload(t) {
  await open(t);
  await pickModel(t, 'stories260K');
  await send(t, 'The dragon and the lighthouse');
  await idle(t);
  const answer = await lastAnswer(t).textContent();
  const id = conversationId(t);
  t.check(id, 'the address names the conversation');
  await settled(t, id);

  await t.page.reload();
  await t.page.locator('.message.assistant .answer').first().waitFor();
  t.check(await lastAnswer(t).textContent() === answer, 'after a reload the same answer is shown');
  const row = t.page.locator(`.conversation[data-id="${id}"]`);
  t.check(await row.getAttribute('aria-current') === 'page', 'the conversation is the current one in the list');
  t.check((await row.innerText()).includes('The dragon and the lighthouse'), 'it is titled after the first message');
  await t.screenshot('reloaded');

  await open(t); // a fresh start without the address
  await t.page.getByRole('button', { name: 'New chat' }).click();
  t.check(await t.page.locator('.message').count() === 0, 'a new chat is empty');
  await t.page.getByRole('button', { name: 'The dragon and the lighthouse' }).first().click();
  await t.page.getByText('The dragon and the lighthouse', { exact: true }).last().waitFor();
  t.check(await lastAnswer(t).textContent() === answer, 'opening it from the list shows the answer');

  const search = t.page.getByRole('searchbox', { name: 'Search conversations' });
  await search.fill('LIGHTHOUSE');
  await t.page.waitForFunction(() => document.querySelectorAll('.conversation').length === 1);
  await search.fill('no such words anywhere');
  await t.page.getByText('No conversation mentions “no such words anywhere”.').waitFor();
  await search.fill('');
  await row.waitFor();

  await t.page.getByRole('button', { name: 'Rename “The dragon and the lighthouse”' }).click();
  const name = t.page.getByRole('textbox', { name: 'New name for “The dragon and the lighthouse”' });
  await name.fill('Lighthouse tales');
  await name.press('Enter');
  await t.page.getByRole('button', { name: /^Lighthouse tales/ }).waitFor();
  t.check((await t.api('GET', `v1/conversations/${id}`)).title === 'Lighthouse tales', 'the new name is stored');
  await t.screenshot();

  await t.page.getByRole('button', { name: 'Delete “Lighthouse tales”' }).click();
  await t.page.getByRole('dialog', { name: 'Delete this conversation?' }).getByRole('button', { name: 'Delete' }).click();
  await row.waitFor({ state: 'detached' });
  t.check(await t.page.locator('.message').count() === 0, 'deleting the open conversation leaves a new chat');
  const left = await t.api('GET', 'v1/conversations');
  t.check(!left.data.some(c => c.id === id), 'the server no longer has it');
}

/**
 * Attach an image (file picker, drag and drop, paste) and audio: the turn with its image shows in the
 * history although this text-only model refuses it, with the server's message; the size cap is explained.
 */
export async function image(t) {
  await open(t);
  await pickModel(t, 'tiny-chat');
  const picture = await png(t);
  await t.page.locator('#file-input').setInputFiles(picture);
  const tray = t.page.getByRole('list', { name: 'Attachments' });
  await tray.getByText(/^sunset\.png/).waitFor();

  // Drag and drop, and paste, of the same kind of file.
  await t.page.evaluate(async ([base64]) => {
    const file = () => new File([Uint8Array.from(atob(base64), c => c.charCodeAt(0))], 'dropped.png', { type: 'image/png' });
    const dropped = new DataTransfer();
    dropped.items.add(file());
    const main = document.getElementById('main');
    main.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dropped, bubbles: true }));
    main.dispatchEvent(new DragEvent('drop', { dataTransfer: dropped, bubbles: true, cancelable: true }));
    const pasted = new DataTransfer();
    pasted.items.add(new File([file()], 'pasted.png', { type: 'image/png' }));
    document.getElementById('composer-input').dispatchEvent(new ClipboardEvent('paste', { clipboardData: pasted, bubbles: true, cancelable: true }));
  }, [picture.buffer.toString('base64')]);
  await tray.getByText(/^dropped\.png/).waitFor();
  await tray.getByText(/^pasted\.png/).waitFor();
  t.check(await t.page.locator('#drop-overlay').isHidden(), 'the drop overlay is gone after the drop');
  await t.page.getByRole('button', { name: 'Remove dropped.png' }).click();
  await t.page.getByRole('button', { name: 'Remove pasted.png' }).click();

  // Over the cap: refused in the composer with the reason, before anything is sent.
  await t.page.locator('#file-input').setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: Buffer.alloc(6 * 1024 * 1024, 1) });
  await t.page.getByText(/"huge\.png" is 6\.0 MB .*at most 5\.0 MB per message/).waitFor();
  t.check(await tray.locator('li').count() === 1, 'the oversized file was not attached');

  await t.page.locator('#file-input').setInputFiles(wav());
  await tray.getByText(/^tone\.wav/).waitFor();
  await t.page.getByRole('button', { name: 'Remove tone.wav' }).click();

  await t.screenshot('composer');

  t.expectConsole(/^Failed to load resource: the server responded with a status of 400 \(Bad Request\)$/, 'the text-only model refuses the image');
  await send(t, 'What is in this picture?');
  const banner = t.page.getByRole('alert');
  await banner.getByText("The model 'tiny-chat' cannot take images; it reads text only").waitFor();
  const turn = t.page.locator('.message.user').last();
  await turn.getByText('What is in this picture?').waitFor();
  const shown = turn.getByRole('img', { name: 'Attached image 1' });
  await shown.waitFor();
  t.check(await shown.evaluate(img => img.complete && img.naturalWidth === 64), 'the attached image is shown in the history');
  await turn.getByText(/^Not sent: The model 'tiny-chat' cannot take images; it reads text only\. This message is shown here only/).waitFor();
  t.check(await t.page.locator('.message.assistant').count() === 0, 'no answer was made up');
  await t.screenshot();

  // Edit and resend puts it back in the composer's hands: here, without the image, it goes through.
  await turn.getByRole('button', { name: 'Edit and resend' }).click();
  await t.page.getByRole('textbox', { name: 'Edit your message' }).fill('Describe a sunset instead');
  await t.page.getByRole('button', { name: 'Send the edited message' }).click();
  await t.page.getByRole('alert').getByText(/cannot take images/).waitFor(); // the image went along, so it is refused again
  await t.page.getByRole('button', { name: 'Remove this unsent message' }).click();
  t.check(await t.page.locator('.message.user').count() === 0, 'the unsent message is removed');
}

/**
 * Speaking to the studio (Chromium's fake microphone plays jfk.wav; the server's tiny random Whisper hears it):
 * while recording, a level meter, the time and the words heard so far; on stop they go into the message box, to
 * send. With voice messages on, a recording is sent as audio: the stored turn keeps a player and what was heard.
 * Cancel throws a recording away.
 */
export async function voice(t) {
  await open(t);
  await pickModel(t, 'tiny-chat');
  await chatSettings(t, { temperature: 0, maxTokens: 8 });
  const box = t.page.getByRole('textbox', { name: 'Message' });
  // The loudest the meter shows while recording (the voice comes and goes).
  await t.page.evaluate(() => {
    window.musePeakLevel = 0;
    setInterval(() => { window.musePeakLevel = Math.max(window.musePeakLevel, document.getElementById('record-level').value); }, 50);
  });
  await t.page.getByRole('button', { name: 'Record audio' }).click();
  const panel = t.page.getByRole('group', { name: 'Recording' });
  await panel.waitFor();
  await t.page.waitForFunction(() => {
    const heard = document.getElementById('record-heard').textContent;
    return heard && heard !== 'Listening…' && !heard.startsWith('(not heard');
  }, null, { timeout: 30000 });
  t.check(await panel.locator('#record-clock').textContent() !== '0:00', 'the clock runs');
  const peak = await t.page.evaluate(() => window.musePeakLevel);
  t.check(peak > 0.1, `the meter moves with the voice (peak ${peak})`);
  await t.screenshot('recording');
  await t.page.getByRole('button', { name: 'Stop recording' }).click();
  await t.page.waitForFunction(() => document.getElementById('composer-input').value.trim().length > 0, null, { timeout: 30000 });
  t.check(await panel.isHidden(), 'the recording panel closes');
  const said = (await box.inputValue()).trim();
  await t.screenshot('written');
  await t.page.getByRole('button', { name: 'Send' }).click();
  await idle(t);
  await t.page.locator('.message.user').last().getByText(said).waitFor();

  // Cancel: nothing is written or sent.
  await t.page.getByRole('button', { name: 'Record audio' }).click();
  await panel.waitFor();
  await t.page.getByRole('button', { name: 'Cancel' }).click();
  await t.page.getByText('Recording thrown away.').waitFor();
  t.check((await box.inputValue()) === '', 'a cancelled recording writes nothing');

  // Voice messages: the recording itself is sent, heard by the server, and kept with its transcript.
  await t.page.getByRole('button', { name: 'Chat settings' }).click();
  await t.page.getByLabel(/Send recordings as voice messages/).check();
  await t.page.getByRole('button', { name: 'Save' }).click();
  const answered = await t.page.locator('.message.assistant').count();
  await t.page.getByRole('button', { name: 'Record audio' }).click();
  await panel.waitFor();
  await t.page.waitForTimeout(1500);
  await t.page.getByRole('button', { name: 'Stop recording' }).click();
  await t.page.locator('.message.assistant').nth(answered).waitFor({ timeout: 60000 }); // heard, then answered
  await idle(t);
  const spoken = t.page.locator('.message.user').last();
  await spoken.getByLabel('Attached audio 1').waitFor();
  await t.screenshot('voice-sent');
  await t.page.reload();
  const stored = t.page.locator('.message.user').last();
  await stored.getByText(/^Voice message: “.+”$/).waitFor({ timeout: 30000 });
  t.check(await stored.locator('audio').evaluate(a => a.src.startsWith('data:audio/wav;base64,')), 'the stored voice message has a player');
  await t.screenshot('voice-message');

  // Stop when I stop talking: the server's VAD finds where the speech ended, and recording stops by itself.
  await t.page.getByRole('button', { name: 'Chat settings' }).click();
  await t.page.getByLabel(/Send recordings as voice messages/).uncheck();
  await t.page.getByLabel(/Stop recording when I stop talking/).check();
  await t.page.getByRole('button', { name: 'Save' }).click();
  await t.page.getByRole('button', { name: 'Record audio' }).click();
  await panel.waitFor();
  await panel.waitFor({ state: 'hidden', timeout: 60000 }); // the microphone's sentence ends, then 4 s of silence
  await t.page.waitForFunction(() => document.getElementById('composer-input').value.trim().length > 0, null, { timeout: 30000 });
  await t.screenshot('stopped-by-silence');
}

/**
 * A model that sees images (a tiny SmolVLM served with its vision projector): the attached picture reaches
 * it, the answer streams back, and the stored turn keeps its image while the reply counts the image's rows.
 */
export async function vision(t) {
  await open(t);
  await pickModel(t, 'tiny-vision');
  await chatSettings(t, { temperature: 0, maxTokens: 12 });
  await t.page.locator('#file-input').setInputFiles(await png(t, 'sunset.png', 96, 64));
  await t.page.getByRole('list', { name: 'Attachments' }).getByText(/^sunset\.png/).waitFor();
  await send(t, 'What is in this picture?');
  await idle(t);
  const turn = t.page.locator('.message.user').last();
  await turn.getByRole('img', { name: 'Attached image 1' }).waitFor();
  t.check((await lastAnswer(t).textContent()).trim().length > 0, 'the model answered');
  const stored = await settled(t, conversationId(t));
  t.check(stored.messages[0].content.some(part => part.type === 'image_url'), 'the turn is stored with its image');
  const reply = stored.messages.at(-1);
  t.check(reply.status === 'complete' && reply.usage.prompt_tokens > 80,
    `the image reached the model: its tiles' rows are in the prompt (${JSON.stringify(reply.usage)})`);
  await t.screenshot();
}

/**
 * The server's image safety classifier refuses an attached picture it flags (the picture in the argument: an abstract one
 * that nsfwjs' MobileNetV2 misreads as explicit): the turn is not sent, the page says why, nothing is stored.
 */
export async function flaggedPicture(t) {
  await open(t);
  await pickModel(t, 'tiny-vision');
  await t.page.locator('#file-input').setInputFiles(t.argument);
  await t.page.getByRole('list', { name: 'Attachments' }).getByText(/^flagged\.png/).waitFor();
  t.expectConsole(/^Failed to load resource: the server responded with a status of 400 \(Bad Request\)$/, 'the screening refuses the picture');
  await send(t, 'What is in this picture?');
  const why = "An attached image was refused by this server's safety screening (nsfw-mobilenet-v2: S12 Sexual Content)";
  await t.page.getByRole('alert').getByText(why).waitFor();
  const turn = t.page.locator('.message.user.unsent').last();
  await turn.getByText(`Not sent: ${why}.`, { exact: false }).waitFor();
  t.check(await t.page.locator('.message.assistant').count() === 0, 'nothing was answered');
  const audit = await t.api('GET', 'v1/moderations/audit');
  t.check(audit.data.length === 1 && audit.data[0].stage === 'image-input' && audit.data[0].action === 'blocked', `the block is audited: ${JSON.stringify(audit.data)}`);
  await t.screenshot();
}

/**
 * A server whose screening stops every answer of 40 characters or more (S1, S10): what streamed is taken back and the
 * server's refusal shown in its place; the stored reply keeps what was found safe and says why, after a reload too.
 */
export async function refusedAnswer(t) {
  await open(t);
  await pickModel(t, 'tiny-chat');
  await chatSettings(t, { temperature: 0, maxTokens: 60 });
  await send(t, 'Tell me a story.');
  await idle(t);
  const why = "The answer was stopped by this server's safety screening (llama-guard-3-1b-fake: S1 Violent Crimes, S10 Hate)";
  const reply = t.page.locator('.message.assistant').last();
  await reply.getByText(why).waitFor();
  t.check((await lastAnswer(t).textContent()).trim().length < 40, 'what streamed past the safe part is not shown');
  const stored = await settled(t, conversationId(t));
  t.check(stored.messages[1].refusal === why, `the stored reply says why: ${JSON.stringify(stored.messages[1])}`);
  await t.screenshot('streamed');
  await t.page.reload();
  await t.page.locator('.message.assistant').last().getByText(why).waitFor();
  await t.screenshot('reloaded');
}

/** Regenerate the last answer, edit an earlier turn and resend it; the chat's system prompt is kept with it. */
export async function regenerate(t) {
  await open(t);
  await pickModel(t, 'stories260K');
  await chatSettings(t, { maxTokens: 30, system: 'Tell short stories.' });
  await send(t, 'Once upon a time');
  await idle(t);
  const id = conversationId(t);
  const before = await settled(t, id);
  t.check(before.settings.system_prompt === 'Tell short stories.' && before.settings.max_tokens === 30, `settings saved: ${JSON.stringify(before.settings)}`);

  await t.page.getByRole('button', { name: 'Regenerate the answer' }).click();
  // The click deletes the old answer first and only then asks again, so the page may still look idle here.
  const regenerated = await settled(t, id, stored => stored.messages.at(-1).id !== before.messages[1].id);
  await idle(t);
  await t.page.waitForFunction(() => document.querySelectorAll('.message').length === 2);
  t.check(regenerated.messages.length === 2, `still one turn and one answer: ${regenerated.messages.length} messages`);
  t.check(regenerated.messages[1].id !== before.messages[1].id && regenerated.messages[1].status === 'complete', 'a new, complete answer');
  t.check(regenerated.messages[1].usage.completion_tokens <= 30, 'max tokens applied');

  await t.page.locator('.message.user').getByRole('button', { name: 'Edit and resend from here' }).click();
  const editor = t.page.getByRole('textbox', { name: 'Edit your message' });
  t.check(await editor.inputValue() === 'Once upon a time', 'the editor starts from the message');
  await editor.fill('A dragon lived in a cave');
  await editor.press('Enter');
  await t.page.locator('.message.user').getByText('A dragon lived in a cave').waitFor();
  await idle(t);
  await t.page.waitForFunction(() => document.querySelectorAll('.message').length === 2);
  const edited = await settled(t, id, stored => stored.messages[0].content === 'A dragon lived in a cave');
  t.check(edited.messages.length === 2 && edited.messages[0].content === 'A dragon lived in a cave', `the edited turn replaced the old one: ${JSON.stringify(edited.messages.map(m => m.content))}`);
  const bare = text => text.replace(/\s+/g, ''); // Markdown turns line breaks into elements
  t.check(bare(await lastAnswer(t).textContent()) === bare(edited.messages[1].content), 'the answer shown is the stored one');
  await t.screenshot();
}

/**
 * A chat longer than the bundled model's 512-token window goes on: each answer is bounded to a quarter of the window,
 * the oldest turns are left out once the conversation no longer fits, and the page says how many and dims them.
 */
export async function longChat(t) {
  await open(t);
  await pickModel(t, 'stories260K');
  await send(t, 'Once upon a time there was a little girl');
  await idle(t);
  await t.page.getByRole('button', { name: 'Regenerate the answer' }).waitFor(); // the conversation is stored
  const id = conversationId(t);
  let stored = await settled(t, id);
  for (let turn = 2; turn <= 6 && !stored.messages.at(-1).usage?.left_out_messages; turn++) {
    await send(t, `Then on day ${turn} she went to the park`);
    await idle(t);
    stored = await settled(t, id, s => s.messages.length === 2 * turn);
    t.check(stored.messages.length === 2 * turn, `turn ${turn} was answered and stored: ${stored.messages.length} messages`);
    t.check(await t.page.locator('#banner').isHidden(), `no error after turn ${turn}: ${await t.page.locator('#banner').innerText()}`);
  }
  const usage = stored.messages.at(-1).usage;
  const leftOut = usage?.left_out_messages ?? 0;
  t.check(leftOut > 0, `the conversation outgrew the window and went on without its oldest turns: ${JSON.stringify(usage)}`);
  t.check(usage.prompt_tokens + usage.completion_tokens <= 512, `the last turn fit the window: ${JSON.stringify(usage)}`);
  t.check(stored.messages.every(m => m.role !== 'assistant' || m.usage.completion_tokens <= 128), 'no answer took more than a quarter of the window');
  const note = `Answered without the ${leftOut === 1 ? 'earliest message' : `${leftOut} earliest messages`}`;
  await t.page.locator('.message.assistant').last().getByText(note).waitFor();
  await t.page.locator('.left-out-note').waitFor();
  t.check(await t.page.locator('.message.left-out').count() === leftOut, `the ${leftOut} left-out messages are dimmed`);
  t.check(await t.page.locator('.message').first().evaluate(e => e.classList.contains('left-out')), 'the oldest message is one of them');
  await t.screenshot();
  await t.page.locator('.left-out-note').scrollIntoViewIfNeeded();
  await t.screenshot('left-out');
  await t.page.reload(); // the details are stored with the answer, so a reload shows them again
  await t.page.locator('.message.assistant').last().getByText(note).waitFor();
  t.check(await t.page.locator('.message.left-out').count() === leftOut, 'still dimmed after a reload');
}

/**
 * Only the bundled base model is installed: the studio says plainly that it continues text and offers a chat model,
 * whose download shows its progress, goes on across a reload, and ends with the chat model chosen and answering.
 */
export async function starter(t) {
  await open(t);
  const notice = t.page.locator('#model-notice');
  await notice.getByText('is a base model: it continues your text').waitFor();
  t.check((await notice.innerText()).startsWith('stories260K is a base model'), `the notice names the model: ${await notice.innerText()}`);
  await t.screenshot('base-model');
  await notice.getByRole('button', { name: /^Download SmolLM2 135M Instruct/ }).click();
  const halfway = () => t.page.waitForFunction(() => {
    const bar = document.querySelector('#model-notice progress');
    return bar && bar.max > 1 && bar.value > 0 && bar.value < bar.max;
  });
  await halfway();
  t.check(/[\d.]+ (kB|MB) of [\d.]+ (kB|MB)/.test(await notice.innerText()), `the amount downloaded is shown: ${await notice.innerText()}`);
  await t.screenshot('downloading');
  await t.page.reload(); // the server goes on downloading; the page finds the download and follows it again
  await halfway();
  await t.page.waitForFunction(() => document.getElementById('model').value === 'smollm2-135m-instruct-q8_0', null, { timeout: 60000 });
  await notice.waitFor({ state: 'hidden' });

  await send(t, 'Hello');
  await idle(t);
  await t.page.getByRole('button', { name: 'Regenerate the answer' }).waitFor();
  const stored = await t.api('GET', `v1/conversations/${conversationId(t)}`);
  t.check(stored.model === 'smollm2-135m-instruct-q8_0', `the chat is with the downloaded model: ${stored.model}`);
  t.check(stored.messages.length === 2 && stored.messages[1].status === 'complete', 'and it answered');

  await pickModel(t, 'stories260K'); // back on the base model, the notice offers the chat model now here
  await notice.getByRole('button', { name: 'Chat with smollm2-135m-instruct-q8_0' }).click();
  await t.page.waitForFunction(() => document.getElementById('model').value === 'smollm2-135m-instruct-q8_0');
  await notice.waitFor({ state: 'hidden' });
  await t.screenshot();

  await pickModel(t, 'stories260K'); // a person who wants stories dismisses the notice, and it stays away
  await notice.getByRole('button', { name: 'Dismiss this notice' }).click();
  await notice.waitFor({ state: 'hidden' });
  await t.page.reload();
  await pickModel(t, 'stories260K');
  await t.page.waitForTimeout(500);
  t.check(await notice.isHidden(), 'a dismissed notice stays away after a reload');
}

/** A server started with API keys: the studio asks for one, says when it is wrong, then works with it. */
export async function keys(t) {
  t.expectConsole(/^Failed to load resource: the server responded with a status of 401 \(Unauthorized\)$/, 'calls without a key, then with a wrong one');
  await t.page.goto(t.base);
  const dialog = t.page.getByRole('dialog', { name: 'API key needed' });
  await dialog.getByText("You didn't provide an API key").waitFor();
  await dialog.getByLabel('API key').fill('muse-wrong-key');
  await dialog.getByRole('button', { name: 'Use this key' }).click();
  await dialog.getByText('Incorrect API key provided').waitFor();
  await t.screenshot('prompt');
  await dialog.getByLabel('API key').fill(t.argument);
  await dialog.getByRole('button', { name: 'Use this key' }).click();
  await t.page.locator('#model option[value="stories260K"]').waitFor({ state: 'attached' });
  const group = id => t.page.locator(`#model option[value="${id}"]`).evaluate(o => o.parentElement.label);
  t.check(await group('stories260K') === 'Available (loads on first use)', 'a model not yet used is listed as available');
  await pickModel(t, 'stories260K');
  await send(t, 'A key for the castle');
  await idle(t);
  await t.page.waitForFunction(() => document.querySelector('#model option[value="stories260K"]').parentElement.label === 'Loaded');
  t.check((await t.page.locator('#model option[value="stories260K"]').textContent()) === 'stories260K · 512 tokens', 'a loaded model shows its context window');
  t.check(await t.page.getByLabel('Model', { exact: true }).inputValue() === 'stories260K', 'the choice stays');
  t.check((await lastAnswer(t).textContent()).length > 0, 'with the key, the answer streams');
  t.check(await t.page.evaluate(() => localStorage.getItem('muse.apiKey')) === t.argument, 'the key is kept in this browser');
  await t.page.reload();
  await t.page.locator('.message.assistant .answer').first().waitFor();
  t.check(await dialog.isHidden(), 'after a reload the kept key is used without asking');
  await t.screenshot();
}

/** The server restarts while the studio is open: it says so, reconnects by itself, and chatting goes on. */
export async function reconnect(t) {
  await open(t);
  await pickModel(t, 'stories260K');
  await chatSettings(t, { maxTokens: 60 }); // short answers: two turns fit the model's 512-token window
  await send(t, 'Before the restart');
  await idle(t);
  const id = conversationId(t);
  // refused while it is down; a request caught as it stops or starts is reset instead
  t.expectConsole(/^Failed to load resource: net::ERR_CONNECTION_(REFUSED|RESET)$/, 'requests while the server is down');
  console.log('RESTART'); // the Java side stops the server, starts it again on the same port, then answers
  t.check(await t.readLine() === 'STOPPED', 'the server was stopped');
  await send(t, 'While the server is down');
  await t.page.locator('.message.user.unsent').waitFor(); // refused: the composer takes the next turn
  await t.page.getByRole('alert').getByText('Cannot reach the Muse server').first().waitFor();
  await t.page.getByText('Offline').waitFor();
  await send(t, 'Still down'); // sending clears the banner: the failed request must bring it back
  await t.page.locator('.message.user.unsent').nth(1).waitFor();
  await t.page.getByRole('alert').getByText('Cannot reach the Muse server').first().waitFor({ timeout: 2000 });
  await t.screenshot('offline');
  console.log('START');
  t.check(await t.readLine() === 'STARTED', 'the server was started again');
  await t.page.getByText('Reconnected to the Muse server.').waitFor({ timeout: 30000 });
  t.check(await t.page.getByText('Offline').count() === 0, 'no longer offline');
  for (let i = 0; i < 2; i++) await t.page.locator('.message.user.unsent').first().getByRole('button', { name: 'Remove this unsent message' }).click();
  t.check(await t.page.locator('.message.user.unsent').count() === 0, 'both unsent messages are removed');
  await send(t, 'After the restart');
  await idle(t);
  const stored = await settled(t, id);
  t.check(stored.messages.length === 4, `both turns are in the conversation after the restart: ${stored.messages.length} messages`);
  await t.screenshot();
}

/**
 * A reasoning model (its template opens the thought, as DeepSeek-R1's distills do) in Instant mode: its thought streams
 * apart from the answer (reasoning_content), closed by the server after one token so that it answers; the studio
 * shows it under "Thought process", folded once the answer is there, and the same after a reload.
 */
export async function thinking(t) {
  await open(t);
  await pickModel(t, 'tiny-reasoner');
  await chatSettings(t, { temperature: 0, maxTokens: 40 });
  await t.page.getByRole('radio', { name: 'Instant' }).check();
  const request = t.page.waitForRequest(r => r.url().endsWith('/v1/chat/completions'));
  await send(t, 'What is 12 times 3?');
  t.check((await request).postDataJSON().mode === 'instant', 'the request asks for an instant answer');
  await idle(t);
  const check = async when => {
    const reply = t.page.locator('.message.assistant').last();
    const thought = reply.locator('details.thinking');
    await thought.waitFor();
    t.check(await thought.locator('summary').textContent() === 'Thought process', `${when}: the thought is under its summary`);
    t.check(!(await thought.evaluate(d => d.open)), `${when}: folded away once the answer is there`);
    const answer = await reply.locator('.answer').textContent();
    t.check(answer.trim().length > 0 && !answer.includes('think>'), `${when}: the answer is shown without the thought: ${answer}`);
    await thought.locator('summary').click();
    await thought.getByText('I have to give the solution based on the thinking directly now.').waitFor();
    await t.screenshot(when);
  };
  await check('streamed');
  const id = conversationId(t);
  const stored = await settled(t, id);
  t.check(stored.messages[1].reasoning_content?.endsWith('directly now.'), `the thought is stored with the reply: ${JSON.stringify(stored.messages[1])}`);
  await t.page.reload();
  await check('reloaded');
}

/**
 * Contemplating with the same reasoning model: four sub-agents think in parallel lanes, which fold away under their
 * summary once the answer is written; each lane shows its perspective, the end of its thought and its state.
 */
export async function contemplating(t) {
  await open(t);
  await pickModel(t, 'tiny-reasoner');
  await chatSettings(t, { temperature: 0, maxTokens: 40 });
  await t.page.getByRole('radio', { name: 'Contemplating' }).check();
  const request = t.page.waitForRequest(r => r.url().endsWith('/v1/chat/completions'));
  const lanesShown = t.page.locator('.message.assistant details.contemplation').waitFor();
  await send(t, 'What is 12 times 3?');
  t.check((await request).postDataJSON().mode === 'contemplating', 'the request asks for a contemplating answer');
  await lanesShown;
  await idle(t);
  const check = async when => {
    const reply = t.page.locator('.message.assistant').last();
    const lanes = reply.locator('details.contemplation');
    await lanes.waitFor();
    t.check(await lanes.locator('summary').textContent() === 'Contemplated with 4 sub-agents', `${when}: the lanes are under their summary`);
    t.check(!(await lanes.evaluate(d => d.open)), `${when}: folded away once the answer is there`);
    const answer = await reply.locator('.answer').textContent();
    t.check(answer.trim().length > 0, `${when}: the answer follows: ${answer}`);
    await lanes.locator('summary').click();
    const lane = lanes.locator('.lane');
    t.check(await lane.count() === 4, `${when}: one lane per sub-agent`);
    for (let k = 0; k < 4; k++) {
      t.check((await lane.nth(k).locator('h4').textContent()).startsWith(`${k + 1}. Let me`), `${when}: each lane names its perspective`);
      t.check((await lane.nth(k).locator('.lane-text').textContent()).trim().length > 0, `${when}: and shows what it thought`);
      t.check(await lane.nth(k).locator('.lane-state').textContent() === 'done · 40 tokens (budget reached)', `${when}: and that it is done`);
    }
    await t.screenshot(when);
  };
  await check('streamed');
  const stored = await settled(t, conversationId(t));
  t.check(stored.messages[1].contemplation?.agents?.length === 4, `the sub-agents' work is stored with the reply: ${JSON.stringify(stored.messages[1])}`);
  await t.page.reload();
  await check('reloaded');
}
