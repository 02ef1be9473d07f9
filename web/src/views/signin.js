// Sign-in: a token (kept in sessionStorage for this tab only) and the home to
// look at. The token is checked against the server before it is kept.

import { api, session, q } from '../api.js';
import { el, note } from '../dom.js';

export function renderSignIn(main) {
  const status = el('div', { id: 'signin-status', 'aria-live': 'polite' });
  const token = el('input', { id: 'token', name: 'token', type: 'password', required: true, autocomplete: 'current-password', spellcheck: 'false', 'aria-describedby': 'token-help' });
  const home = el('input', { id: 'home', name: 'home', type: 'text', value: session.home, placeholder: 'h-0001', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'home-help' });
  const form = el('form', { class: 'card signin', 'aria-labelledby': 'signin-title' },
    el('h1', { id: 'signin-title', text: 'Sign in' }),
    el('label', { for: 'token', text: 'Access token' }), token,
    el('p', { id: 'token-help', class: 'help', text: 'The token your utility or installer gave you (admin: data/admin.token). It stays in this browser tab only.' }),
    el('label', { for: 'home', text: 'Home' }), home,
    el('p', { id: 'home-help', class: 'help', text: 'The id of the home to show. Leave it empty for the operator view.' }),
    el('button', { type: 'submit', class: 'primary', text: 'Sign in' }),
    status);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    status.replaceChildren(note('Checking the token…'));
    session.signIn(token.value.trim(), home.value.trim());
    try {
      if (home.value.trim()) await api(`/devices?${q({ home: home.value.trim() })}`);
      else await api('/openapi.json');
      location.hash = home.value.trim() ? '#/home' : '#/operator';
    } catch (e) {
      session.signOut();
      const why = e.status === 401 ? 'The token is not valid (or has expired or was revoked).'
        : e.status === 403 ? 'This token may not see that home.'
          : e.status === 404 ? 'No such home: no device of it has reported yet.'
            : e.detail || e.message;
      status.replaceChildren(note(why, 'error'));
      token.focus();
    }
  });
  main.append(form);
  (session.token ? home : token).focus();
  return null;
}
