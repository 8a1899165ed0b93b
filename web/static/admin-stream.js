// Follows the service's admin stream (GET /api/admin/events): Server-Sent Events read with fetch(), because
// EventSource cannot send the Authorization header and the token must never travel in a URL. A 'jobs' frame
// holds the newest jobs and replaces everything shown; a 'job' frame is one job's whole row after a change.
// A dropped connection is retried with backoff and starts again from a fresh list; a refused token is not.

const MAX_DELAY_MS = 8000;

/**
 * @param {string} token the admin token
 * @param {{limit: number, onJobs: (rows: object[]) => void, onJob: (row: object) => void,
 *          onState: (state: 'connecting'|'live'|'reconnecting'|'refused', detail?: string) => void}} handlers
 * @returns {{close: () => void}}
 */
export function followAdmin(token, { limit, onJobs, onJob, onState }) {
  let closed = false;
  let failures = 0;
  let controller = null;
  let timer = null;

  const lost = (detail) => {
    if (closed) return;
    failures += 1;
    const delay = Math.min(MAX_DELAY_MS, 250 * 2 ** Math.min(failures - 1, 6));
    onState('reconnecting', `${detail ?? 'Connection lost'}; reconnecting in ${Math.round(delay / 100) / 10} s…`);
    timer = setTimeout(connect, delay);
  };

  const dispatch = ({ event, data }) => {
    if (event === 'jobs') onJobs(JSON.parse(data));
    else if (event === 'job') onJob(JSON.parse(data));
  };

  async function connect() {
    if (closed) return;
    controller = new AbortController();
    onState(failures ? 'reconnecting' : 'connecting');
    let response;
    try {
      response = await fetch(`/api/admin/events?limit=${limit}`, {
        headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' },
        cache: 'no-store',
        signal: controller.signal,
      });
    } catch {
      lost('Cannot reach the Mondrian service');
      return;
    }
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      const reason = body.error ?? `The service answered ${response.status}`;
      if (response.status === 401 || response.status === 403) {
        closed = true;
        onState('refused', reason);
      } else {
        lost(reason);
      }
      return;
    }
    failures = 0;
    onState('live');
    try {
      await readFrames(response.body, dispatch);
    } catch {
      // The connection dropped, or close() aborted it.
    }
    lost();
  }

  connect();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      controller?.abort();
    },
  };
}

/** Calls `onFrame({event, data})` for each frame of an SSE body (the service ends lines with LF); comments are skipped. */
async function readFrames(body, onFrame) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffered += value;
    let end;
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const frame = parseFrame(buffered.slice(0, end));
      buffered = buffered.slice(end + 2);
      if (frame) onFrame(frame);
    }
  }
}

function parseFrame(text) {
  let event = 'message';
  const data = [];
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon === 0) continue;
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return data.length ? { event, data: data.join('\n') } : null;
}
