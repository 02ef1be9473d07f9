// The REST API as the page uses it: the token from sessionStorage on every
// request, errors as ApiError with the server's code and detail.

const TOKEN = 'hems.token';
const HOME = 'hems.home';

export const session = {
  get token() { return sessionStorage.getItem(TOKEN) || ''; },
  get home() { return sessionStorage.getItem(HOME) || ''; },
  signIn(token, home) {
    sessionStorage.setItem(TOKEN, token);
    if (home) sessionStorage.setItem(HOME, home); else sessionStorage.removeItem(HOME);
  },
  signOut() { sessionStorage.removeItem(TOKEN); sessionStorage.removeItem(HOME); },
};

export class ApiError extends Error {
  constructor(status, code, detail) {
    super(detail || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
    this.detail = detail;
  }
  /** The route does not exist on this server (a feature not built in). */
  get notAvailable() {
    return this.status === 405 || this.status === 501 || (this.status === 404 && /no such endpoint/.test(this.detail || ''));
  }
}

export async function api(path, { method = 'GET', body, signal } = {}) {
  const headers = { Authorization: `Bearer ${session.token}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', 'the server cannot be reached');
  }
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (!res.ok) throw new ApiError(res.status, json?.error, json?.detail || text);
  return json;
}

export const q = (params) => new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== '')).toString();

let described = null;
/**
 * Whether this server has `method path` (from its /openapi.json, which needs
 * no token): sections for features a server lacks say so without asking.
 */
export async function hasRoute(path, method = 'get') {
  described ??= fetch('/openapi.json').then((r) => r.json()).then((d) => d.paths || {}).catch(() => null);
  const paths = await described;
  if (!paths) return true; // unknown: ask, and let a 404 tell
  return !!paths[path]?.[method];
}

export class NotAvailable extends ApiError {
  constructor(what) { super(404, 'not_found', `no such endpoint: ${what}`); }
}

/** api(), but a route the server does not describe fails at once as not available. */
export async function apiIf(route, path, opts = {}) {
  if (!(await hasRoute(route, (opts.method || 'GET').toLowerCase()))) throw new NotAvailable(route);
  return api(path, opts);
}
