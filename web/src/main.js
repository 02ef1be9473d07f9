// The dashboard's shell: theme, navigation between sign-in, the resident view
// and the operator view (hash routes), and the banner for errors.

import 'uplot/dist/uPlot.min.css';
import './style.css';
import { session } from './api.js';
import { renderSignIn } from './views/signin.js';
import { renderResident } from './views/resident.js';
import { renderOperator } from './views/operator.js';
import { el, clear } from './dom.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const themeButton = document.getElementById('theme');
let teardown = null;

// Theme: the system's unless the user chose one (kept in localStorage).
function applyTheme() {
  const chosen = localStorage.getItem('hems.theme');
  const dark = chosen ? chosen === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches;
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  themeButton.setAttribute('aria-pressed', String(dark));
  themeButton.textContent = dark ? 'Light theme' : 'Dark theme';
}
themeButton.addEventListener('click', () => {
  const dark = document.documentElement.dataset.theme === 'dark';
  localStorage.setItem('hems.theme', dark ? 'light' : 'dark');
  applyTheme();
  window.dispatchEvent(new Event('hems:theme'));
});
matchMedia('(prefers-color-scheme: dark)').addEventListener('change', applyTheme);
applyTheme();

export function showBanner(message) {
  const banner = document.getElementById('banner');
  banner.textContent = message || '';
  banner.hidden = !message;
}

function renderNav(route) {
  clear(nav);
  if (!session.token) return;
  const links = [['#/home', 'Home'], ['#/operator', 'Operator']];
  for (const [href, label] of links) {
    const a = el('a', { href, text: label });
    if (route === href) a.setAttribute('aria-current', 'page');
    nav.append(a);
  }
  nav.append(el('button', {
    type: 'button', class: 'ghost', text: 'Sign out',
    onclick: () => { session.signOut(); location.hash = '#/signin'; },
  }));
}

function route(event) {
  teardown?.();
  teardown = null;
  showBanner('');
  document.getElementById('conn').textContent = '';
  let hash = location.hash || '#/home';
  if (!session.token && hash !== '#/signin') hash = '#/signin';
  renderNav(hash);
  clear(main);
  if (hash === '#/signin') teardown = renderSignIn(main);
  else if (hash === '#/operator') teardown = renderOperator(main);
  else teardown = renderResident(main, session.home);
  // After a change of view, screen readers and the keyboard start at its content.
  if (event) main.focus({ preventScroll: true });
}

window.addEventListener('hashchange', route);
route();
