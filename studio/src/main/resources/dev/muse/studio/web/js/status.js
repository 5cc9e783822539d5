// What the person needs to know at a glance: the error banner, the connection, and the numbers of the
// last answer (time to first token, tokens per second, context used of the model's window).
import { healthy } from './api.js';

export class Banner {
  constructor() {
    this.box = document.getElementById('banner');
    this.text = document.getElementById('banner-text');
    document.getElementById('banner-close').addEventListener('click', () => this.clear());
  }

  /** Shows a message: 'error' (the server's words when it refused) or 'info'. */
  show(message, kind = 'error') {
    this.text.textContent = message;
    this.box.classList.toggle('info', kind === 'info');
    this.box.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    this.box.hidden = false;
  }

  clear() { this.box.hidden = true; }
}

export class Stats {
  constructor() {
    this.ttft = document.getElementById('stat-ttft');
    this.speed = document.getElementById('stat-speed');
    this.context = document.getElementById('stat-context');
    this.meter = document.getElementById('stat-context-meter');
  }

  reset() {
    this.ttft.textContent = 'First token —';
    this.speed.textContent = '— tok/s';
  }

  firstToken(ms) { this.ttft.textContent = `First token ${formatMs(ms)}`; }

  /** Tokens per second since the first token; while streaming each streamed piece counts as a token. */
  rate(tokens, ms, final) {
    if (ms <= 0 || tokens < 2) return;
    this.speed.textContent = `${final ? '' : '~'}${(tokens / (ms / 1000)).toFixed(1)} tok/s`;
  }

  /** Context used by the conversation so far of the model's window (null when the model is not loaded yet). */
  contextUsed(tokens, window) {
    if (tokens == null) {
      this.context.textContent = 'Context —';
      this.meter.value = 0;
      return;
    }
    this.context.textContent = window
      ? `Context ${tokens.toLocaleString()} / ${window.toLocaleString()} (${Math.round((100 * tokens) / window)}%)`
      : `Context ${tokens.toLocaleString()} tokens`;
    this.meter.value = window ? Math.min(1, tokens / window) : 0;
  }
}

function formatMs(ms) { return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`; }

/**
 * Watches the server: after a failed request (or a failed periodic check) it says the server is
 * unreachable and checks /health with growing pauses until the server answers again, then calls back.
 */
export class Connection {
  constructor({ banner, onReconnected }) {
    this.banner = banner;
    this.onReconnected = onReconnected;
    this.label = document.getElementById('connection');
    this.offline = false;
    this.checking = false;
    setInterval(() => { if (!this.offline && document.visibilityState === 'visible') this.check(); }, 15000);
  }

  /**
   * A request failed to reach the server: say so and start trying to reconnect. Said again while already
   * offline, because sending a turn clears the banner before its request fails.
   */
  lost() {
    this.banner.show('Cannot reach the Muse server. Reconnecting…', 'error');
    if (this.offline) return;
    this.offline = true;
    this.label.textContent = 'Offline';
    this.label.classList.add('offline');
    this.retry(500);
  }

  async check() {
    if (this.checking) return;
    this.checking = true;
    const up = await healthy();
    this.checking = false;
    if (!up) this.lost();
  }

  async retry(wait) {
    await new Promise(resolve => setTimeout(resolve, wait));
    if (!(await healthy())) return this.retry(Math.min(wait * 2, 5000));
    this.offline = false;
    this.label.textContent = '';
    this.label.classList.remove('offline');
    this.banner.show('Reconnected to the Muse server.', 'info');
    setTimeout(() => { if (!this.offline && this.banner.text.textContent.startsWith('Reconnected')) this.banner.clear(); }, 4000);
    this.onReconnected();
  }
}
