// Muse Studio starts here: builds the parts, wires them together and opens the chat in the address
// (#c=ID, so a reload comes back to it) or a new one.
import { ApiError, NetworkError, onUnreachable } from './api.js';
import { Chat } from './chat.js';
import { Composer } from './composer.js';
import { DrawOptions } from './drawing.js';
import { MaskEditor } from './maskeditor.js';
import { ConversationList } from './conversations.js';
import { setUpKeyPrompt } from './keys.js';
import { ModelNotice } from './library.js';
import { ModelPicker } from './models.js';
import { SettingsPanel } from './settings.js';
import { Speaker } from './speech.js';
import { Banner, Connection, Stats } from './status.js';
import { setUpTheme } from './theme.js';

setUpTheme();
setUpKeyPrompt();
const banner = new Banner();
const stats = new Stats();
const drawer = setUpDrawer();

/** Failed calls: the server's message in the banner; an unreachable server is the connection's to report. */
function report(error) {
  if (error instanceof NetworkError) return;
  if (error instanceof ApiError) banner.show(error.message);
  else throw error;
}

const conversations = new ConversationList({
  onOpen: id => openConversation(id),
  onDeleted: id => { if (chat.conversation.id === id) chat.newChat(); },
  onError: report,
});
const drawOptions = new DrawOptions();
const models = new ModelPicker({
  onChange: id => chat.changeModel(id),
  onShown: () => {
    notice?.update();
    drawOptions.show(models.draws(models.value));
    settings.speaks(models.speaks());
    chat?.renderStates();
  },
});
const notice = new ModelNotice({
  models,
  onPick: async id => {
    await models.refresh().catch(report);
    if (models.pick(id)) await chat.changeModel(id);
  },
  onError: report,
});
const settings = new SettingsPanel({ onSave: changes => chat.updateSettings(changes), onMode: () => chat.updateSettings({}) });
const composer = new Composer({
  onSend: message => chat.send(message),
  onStop: () => chat.stop(),
  onAttachments: list => drawOptions.editing(list.some(a => a.kind === 'image')),
});
const speaker = new Speaker({ onChange: () => chat.renderStates(), onError: report });
const chat = new Chat({ models, settings, composer, conversations, stats, banner, drawOptions, maskEditor: new MaskEditor(), speaker });
const connection = new Connection({ banner, onReconnected: () => refresh() });
onUnreachable(() => connection.lost());

// The skip link moves the focus itself: following it as a link would replace the conversation in the address.
document.querySelector('.skip-link').addEventListener('click', event => {
  event.preventDefault();
  composer.input.focus();
});
document.getElementById('new-chat').addEventListener('click', () => {
  chat.newChat();
  drawer.close();
  composer.input.focus();
});

async function openConversation(id) {
  try {
    await chat.open(id);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      banner.show('That conversation no longer exists.', 'info');
      chat.newChat();
    } else report(e);
  }
  drawer.close();
}

// A link or the back button may name another conversation (#c=ID).
window.addEventListener('hashchange', () => {
  const id = new URLSearchParams(location.hash.slice(1)).get('c');
  if (id && id !== chat.conversation.id) openConversation(id);
});

/** Everything from the server again: after start-up and after the server came back. */
async function refresh() {
  await models.refresh().catch(report);
  await conversations.load();
  const id = new URLSearchParams(location.hash.slice(1)).get('c');
  if (chat.busy) return;
  if (id) await openConversation(id);
  else if (!chat.conversation.id) chat.newChat();
}

/** Under 760px the conversation list is a drawer over the chat. */
function setUpDrawer() {
  const sidebar = document.getElementById('sidebar');
  const scrim = document.getElementById('scrim');
  const opener = document.getElementById('open-sidebar');
  const close = () => {
    if (!sidebar.classList.contains('open')) return;
    sidebar.classList.remove('open');
    scrim.hidden = true;
    opener.setAttribute('aria-expanded', 'false');
    if (sidebar.contains(document.activeElement)) opener.focus();
  };
  opener.addEventListener('click', () => {
    sidebar.classList.add('open');
    scrim.hidden = false;
    opener.setAttribute('aria-expanded', 'true');
    document.getElementById('new-chat').focus();
  });
  scrim.addEventListener('click', close);
  document.getElementById('close-sidebar').addEventListener('click', close);
  sidebar.addEventListener('keydown', event => { if (event.key === 'Escape') close(); });
  return { close };
}

await refresh();
// Ready: the message box takes the focus, unless the person already put it somewhere while the studio loaded.
if (document.activeElement === document.body) composer.input.focus();
