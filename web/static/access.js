// A client key, for a service that requires them (mondrian.client-keys): kept in this browser, sent in the
// Authorization header; what cannot send a header (EventSource, WebSocket, an <img>) gets a short-lived read token
// for its one job instead, minted with the key. With no key kept, nothing here changes a request.

const KEY = 'mondrian.client-key';
const tokens = new Map();

export function clientKey() {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function keepClientKey(key) {
  try {
    if (key) localStorage.setItem(KEY, key);
    else localStorage.removeItem(KEY);
  } catch {
    // Storage disabled: the key is asked for again next time.
  }
  tokens.clear();
}

/** Headers that carry the key, when there is one. */
export function withKey(headers = {}) {
  const key = clientKey();
  return key ? { ...headers, Authorization: `Bearer ${key}` } : headers;
}

/** "&token=..." for a job's stream or photo address, or "" without a key (the service is open then). */
export async function readTokenParam(jobId) {
  if (!clientKey()) return '';
  const cached = tokens.get(jobId);
  if (cached && cached.expiresAt - Date.now() > 60_000) return `&token=${encodeURIComponent(cached.token)}`;
  const response = await fetch(`/api/jobs/${encodeURIComponent(jobId)}/read-token`, { method: 'POST', headers: withKey() });
  if (!response.ok) return '';
  const minted = await response.json();
  tokens.set(jobId, { token: minted.token, expiresAt: minted.expires_at });
  return `&token=${encodeURIComponent(minted.token)}`;
}
