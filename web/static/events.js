// Follows one job's event log: Server-Sent Events, or the WebSocket when SSE cannot get through
// (a proxy that buffers it, a network that drops it); on AWS, the deployment's WebSocket API. Every
// reconnect asks for the events after the last one shown (?after=seq, or {"after": seq} on AWS),
// and anything at or below that seq is ignored, so a network drop or a server restart never shows
// an event twice or skips one.

const TYPES = ['status_update', 'thinking_update', 'token', 'analysis_complete', 'error', 'done'];
const MAX_DELAY_MS = 8000;

/**
 * @param {string} jobId
 * @param {{onEvent: (event: object) => void, onState: (state: 'connecting'|'live'|'reconnecting'|'closed', detail?: string) => void, liveUpdatesUrl?: string, readToken?: () => Promise<string>}} handlers
 * @returns {{close: () => void}}
 */
export function followJob(jobId, { onEvent, onState, liveUpdatesUrl, readToken = async () => '' }) {
  let tokenParam = '';
  let lastSeq = 0;
  let failures = 0;
  let transport = liveUpdatesUrl ? 'aws' : 'sse';
  let current = null;
  let timer = null;
  let closed = false;

  const stop = () => {
    closed = true;
    clearTimeout(timer);
    current?.close();
    onState('closed');
  };

  const deliver = (data) => {
    const event = JSON.parse(data);
    if (Number.isInteger(event.seq)) {
      if (event.seq <= lastSeq) return;
      lastSeq = event.seq;
    }
    onEvent(event);
    if (event.type === 'done') stop();
  };

  // opened: whether this attempt ever connected. A transport that cannot even connect is swapped
  // for the other at once; one that connected and then dropped is simply retried.
  const lost = (opened) => {
    if (closed) return;
    current?.close();
    current = null;
    failures += 1;
    if (!opened && transport !== 'aws') transport = transport === 'sse' ? 'websocket' : 'sse';
    const delay = Math.min(MAX_DELAY_MS, 250 * 2 ** Math.min(failures - 1, 6));
    onState('reconnecting', `Connection lost; reconnecting in ${Math.round(delay / 100) / 10} s…`);
    timer = setTimeout(connect, delay);
  };

  const live = () => {
    failures = 0;
    onState('live');
  };

  function connectSse() {
    const source = new EventSource(`/api/jobs/${encodeURIComponent(jobId)}/events?after=${lastSeq}${tokenParam}`);
    let opened = false;
    source.onopen = () => { opened = true; live(); };
    for (const type of TYPES) {
      // The service's own 'error' events carry data; EventSource's connection errors do not.
      source.addEventListener(type, (e) => (e.data ? deliver(e.data) : lost(opened)));
    }
    return source;
  }

  function connectWebSocket() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(`${scheme}//${location.host}/api/jobs/${encodeURIComponent(jobId)}/ws?after=${lastSeq}${tokenParam}`);
    let opened = false;
    socket.onopen = () => { opened = true; live(); };
    socket.onmessage = (e) => deliver(e.data);
    socket.onclose = () => lost(opened);
    return socket;
  }

  // The WebSocket API replays on request: connect for the job, then ask for what came after lastSeq.
  function connectAws() {
    const socket = new WebSocket(`${liveUpdatesUrl}?job=${encodeURIComponent(jobId)}${tokenParam}`);
    let opened = false;
    socket.onopen = () => {
      opened = true;
      socket.send(JSON.stringify({ after: lastSeq }));
      live();
    };
    socket.onmessage = (e) => deliver(e.data);
    socket.onclose = () => lost(opened);
    return socket;
  }

  // Each connection asks for the read token afresh (a cached one while it is good), so a stream that outlives
  // its token reconnects with a new one.
  async function connect() {
    if (closed) return;
    onState(failures ? 'reconnecting' : 'connecting');
    tokenParam = await readToken();
    if (closed) return;
    current = { sse: connectSse, websocket: connectWebSocket, aws: connectAws }[transport]();
  }

  connect();
  return { close: stop };
}
