// The conversation list: the server's stored conversations, newest first, with search, rename and delete.
import { call } from './api.js';
import { el, iconButton } from './dom.js';

const PAGE = 50;

export class ConversationList {
  /** onOpen(id) opens one; onDeleted(id) after one is deleted; onError(e) for failed calls. */
  constructor({ onOpen, onDeleted, onError }) {
    this.onOpen = onOpen;
    this.onDeleted = onDeleted;
    this.onError = onError;
    this.items = [];
    this.cursor = null;
    this.activeId = null;
    this.query = '';
    this.list = document.getElementById('conversation-list');
    this.listNote = document.getElementById('list-note');
    this.moreButton = document.getElementById('load-more');
    this.search = document.getElementById('search');
    this.confirmDialog = document.getElementById('confirm-dialog');
    let typing;
    this.search.addEventListener('input', () => {
      clearTimeout(typing);
      typing = setTimeout(() => this.load(this.search.value.trim()), 250);
    });
    this.moreButton.addEventListener('click', () => this.load(this.query, this.cursor));
  }

  /** Loads the first page (or, with a cursor, the next one) of conversations matching the search. */
  async load(query = this.query, before = null) {
    this.query = query;
    const params = new URLSearchParams({ limit: String(PAGE) });
    if (query) params.set('search', query);
    if (before) params.set('before', before);
    try {
      const page = await call('GET', `v1/conversations?${params}`);
      if (query !== this.query) return; // a newer search has started
      this.items = before ? [...this.items, ...page.data] : page.data;
      this.cursor = page.next_cursor;
      this.render();
    } catch (e) {
      this.onError(e);
    }
  }

  /** Puts a conversation first (new, or just answered) without reloading the list. */
  upsert(conversation) {
    this.items = [conversation, ...this.items.filter(c => c.id !== conversation.id)];
    this.render();
  }

  /** Adds a conversation opened by its address that the list does not show yet (made elsewhere since). */
  include(conversation) {
    if (this.items.some(c => c.id === conversation.id)) return;
    const { messages, ...summary } = conversation;
    this.items = [...this.items, summary].sort((a, b) => b.updated_at - a.updated_at);
    this.render();
  }

  setActive(id) {
    this.activeId = id;
    for (const item of this.list.children) {
      if (item.dataset.id === id) item.setAttribute('aria-current', 'page');
      else item.removeAttribute('aria-current');
    }
  }

  render() {
    this.list.replaceChildren(...this.items.map(c => this.row(c)));
    this.listNote.textContent = this.items.length ? '' : this.query ? `No conversation mentions “${this.query}”.` : 'No conversations yet.';
    this.moreButton.hidden = !this.cursor;
  }

  row(c) {
    const item = el('li', { class: 'conversation', 'data-id': c.id, 'aria-current': c.id === this.activeId ? 'page' : null },
      el('button', { type: 'button', class: 'conversation-open', onclick: () => this.onOpen(c.id) },
        el('span', { class: 'conversation-title' }, c.title),
        el('span', { class: 'conversation-time' }, when(c.updated_at))),
      iconButton('edit', `Rename “${c.title}”`, () => this.rename(item, c)),
      iconButton('trash', `Delete “${c.title}”`, () => this.remove(c)));
    return item;
  }

  rename(item, c) {
    const input = el('input', { type: 'text', class: 'rename-input', 'aria-label': `New name for “${c.title}”`, maxlength: 500 });
    input.value = c.title;
    let done = false;
    const finish = async save => {
      if (done) return;
      done = true;
      const title = input.value.trim();
      if (save && title && title !== c.title) {
        try {
          this.upsert(await call('PATCH', `v1/conversations/${encodeURIComponent(c.id)}`, { title }));
        } catch (e) {
          this.onError(e);
          this.render();
        }
      } else {
        this.render();
      }
      this.list.querySelector(`[data-id="${CSS.escape(c.id)}"] .conversation-open`)?.focus();
    };
    input.addEventListener('keydown', event => {
      if (event.key === 'Enter') finish(true);
      else if (event.key === 'Escape') finish(false);
    });
    input.addEventListener('blur', () => finish(true));
    item.replaceChildren(input);
    input.focus();
    input.select();
  }

  async remove(c) {
    document.getElementById('confirm-text').textContent = `“${c.title}” and all its messages will be deleted from the server.`;
    this.confirmDialog.returnValue = '';
    this.confirmDialog.showModal();
    await new Promise(resolve => this.confirmDialog.addEventListener('close', resolve, { once: true }));
    if (this.confirmDialog.returnValue !== 'confirm') return;
    try {
      await call('DELETE', `v1/conversations/${encodeURIComponent(c.id)}`);
      this.items = this.items.filter(other => other.id !== c.id);
      this.render();
      this.onDeleted(c.id);
    } catch (e) {
      this.onError(e);
    }
  }
}

/** "14:05" today, "Mon 3 Nov" this year, "3 Nov 2025" before. */
function when(epochSeconds) {
  const date = new Date(epochSeconds * 1000);
  const now = new Date();
  if (date.toDateString() === now.toDateString()) return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  if (date.getFullYear() === now.getFullYear()) return date.toLocaleDateString([], { weekday: 'short', day: 'numeric', month: 'short' });
  return date.toLocaleDateString([], { day: 'numeric', month: 'short', year: 'numeric' });
}
