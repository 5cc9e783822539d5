// The API key prompt, shown when the server answers 401 (it was started beyond localhost, with keys).
import { onKeyNeeded } from './api.js';

export function setUpKeyPrompt() {
  const dialog = document.getElementById('key-dialog');
  const input = document.getElementById('key-input');
  const reason = document.getElementById('key-reason');
  document.getElementById('key-cancel').addEventListener('click', () => dialog.close('cancel'));
  onKeyNeeded(message => new Promise(resolve => {
    reason.textContent = `This Muse server requires an API key. It said: ${message}`;
    input.value = '';
    dialog.returnValue = '';
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'save' && input.value.trim() ? input.value.trim() : null), { once: true });
    dialog.showModal();
    input.focus();
  }));
}
