// Light and dark: the system's preference until the person picks one with the button; the choice is kept.
const STORAGE = 'muse.theme';

export function setUpTheme() {
  const button = document.getElementById('theme-toggle');
  const system = window.matchMedia('(prefers-color-scheme: dark)');
  const effective = () => localStorage.getItem(STORAGE) ?? (system.matches ? 'dark' : 'light');
  const apply = () => {
    const theme = effective();
    document.documentElement.dataset.theme = theme;
    const dark = theme === 'dark';
    button.setAttribute('aria-pressed', String(dark));
    button.setAttribute('aria-label', 'Dark theme');
    button.title = dark ? 'Switch to the light theme' : 'Switch to the dark theme';
    button.querySelector('use').setAttribute('href', `studio/icons.svg#${dark ? 'sun' : 'moon'}`);
  };
  button.addEventListener('click', () => {
    localStorage.setItem(STORAGE, effective() === 'dark' ? 'light' : 'dark');
    apply();
  });
  system.addEventListener('change', apply);
  apply();
}
