// Signing in and out. The server sets its session cookie (HttpOnly) and checks every role on
// every call; the page learns who is signed in from `/api/me` to show the screens they may use.

import { api, ApiFailure } from './api';
import type { Ctx, Me } from './context';
import { t } from './i18n';
import { el, titled } from './ui';

// The session cookie is HttpOnly: the page cannot see it. It remembers that it signed in, so a
// citizen who never did is not asked who they are on every visit.
const SIGNED_IN = 'madinati.signedIn';

function remember(yes: boolean) {
  try {
    if (yes) localStorage.setItem(SIGNED_IN, '1');
    else localStorage.removeItem(SIGNED_IN);
  } catch {
    // Storage refused (private mode): the page asks the server each time instead.
  }
}

/** Who is signed in, or null. */
export async function whoAmI(): Promise<Me | null> {
  try {
    if (localStorage.getItem(SIGNED_IN) !== '1') return null;
  } catch {
    // No storage: ask the server.
  }
  try {
    return await api<Me>('/api/me');
  } catch (e) {
    if (e instanceof ApiFailure && (e.status === 401 || e.status === 403)) {
      remember(false);
      return null;
    }
    console.warn(`who am I: ${e}`);
    return null;
  }
}

export function signInView(ctx: Ctx, done: (me: Me) => void): void {
  const user = el('input', { id: 'username', name: 'username', autocomplete: 'username', required: '', dir: 'ltr' });
  const pass = el('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: '', dir: 'ltr' });
  const go = el('button', { type: 'submit', class: 'primary' }, t('signIn'));
  const problem = el('p', { class: 'problem', role: 'alert', hidden: '' });
  const form = el(
    'form',
    { class: 'signin' },
    el('label', { for: 'username' }, t('username')),
    user,
    el('label', { for: 'password' }, t('password')),
    pass,
    go,
    problem,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    go.disabled = true;
    problem.hidden = true;
    try {
      const r = await api<{ user: Me }>('/api/auth/login', { json: { username: user.value.trim(), password: pass.value } });
      pass.value = '';
      remember(true);
      done(r.user);
    } catch (err) {
      problem.textContent = err instanceof ApiFailure && err.status === 401 ? t('signInFailed') : `${t('error')}: ${err instanceof ApiFailure ? err.description : err}`;
      problem.hidden = false;
    } finally {
      go.disabled = false;
    }
  });
  ctx.work.replaceChildren(titled(t('signIn')), form);
  user.focus();
}

export async function signOut(): Promise<void> {
  try {
    await api('/api/auth/logout', { method: 'POST' });
  } catch (e) {
    console.warn(`sign out: ${e}`);
  }
  remember(false);
}
