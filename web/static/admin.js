// The operator's page: every job, live, from the service's admin stream. The page itself holds no data and
// needs no token to load; the token the operator pastes stays in this tab's sessionStorage and travels only
// in the Authorization header. Everything shown is set as text (textContent), never as HTML.
import { followAdmin } from './admin-stream.js';

const $ = (id) => document.getElementById(id);
const TOKEN_KEY = 'mondrian.admin-token';
// The newest jobs the stream starts with; jobs that change later are added to them.
const LIMIT = 100;
// The most rows kept: past it, those updated longest ago go (running jobs update, so they stay).
const MAX_ROWS = 500;
const STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'];

const rows = new Map();
let follower = null;
let renderPending = false;
let connectedToken = null;
// The deliveries are read, not streamed: every few seconds while the page is connected.
const WEBHOOK_REFRESH_MS = 3000;

function storedToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null; // storage disabled: the operator pastes the token again after a reload
  }
}

function storeToken(token) {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // storage disabled: the page still works for as long as it stays open
  }
}

function connect(token) {
  follower?.close();
  connectedToken = token;
  $('webhooks-panel').hidden = false;
  $('keys-panel').hidden = false;
  $('advisors-panel').hidden = false;
  loadWebhooks();
  loadKeys();
  loadAdvisors();
  rows.clear();
  render();
  $('token-error').textContent = '';
  $('token-form').hidden = true;
  $('jobs-panel').hidden = false;
  follower = followAdmin(token, {
    limit: LIMIT,
    onJobs(list) {
      rows.clear();
      list.forEach(keep);
      scheduleRender();
    },
    onJob(row) {
      keep(row);
      scheduleRender();
    },
    onState: showState,
  });
}

function disconnect(message = '') {
  follower?.close();
  follower = null;
  storeToken(null);
  connectedToken = null;
  $('jobs-panel').hidden = true;
  $('webhooks-panel').hidden = true;
  $('keys-panel').hidden = true;
  $('advisors-panel').hidden = true;
  $('new-key').hidden = true;
  $('new-key').textContent = '';
  $('token-form').hidden = false;
  $('token').value = '';
  $('token-error').textContent = message;
  $('token').focus();
}

function showState(state, detail) {
  if (state === 'refused') {
    disconnect(`The service refused this token: ${detail}.`);
    return;
  }
  const line = $('connection');
  line.hidden = state !== 'reconnecting';
  line.textContent = state === 'reconnecting' ? detail ?? 'Reconnecting…' : '';
  $('jobs-panel').dataset.state = state;
}

function keep(row) {
  rows.set(row.job_id, row);
  if (rows.size <= MAX_ROWS) return;
  const stalest = [...rows.values()].reduce((a, b) => (b.updated_at < a.updated_at ? b : a));
  rows.delete(stalest.job_id);
}

// Changes come in batches several times a second; the table is redrawn at most once per frame.
function scheduleRender() {
  if (renderPending) return;
  renderPending = true;
  requestAnimationFrame(() => {
    renderPending = false;
    render();
  });
}

function render() {
  const sorted = [...rows.values()].sort((a, b) => b.created_at - a.created_at || a.job_id.localeCompare(b.job_id));
  $('job-rows').replaceChildren(...sorted.map(tableRow));
  $('no-jobs').hidden = sorted.length > 0;
  const counts = STATUSES.map((status) => [status, sorted.filter((row) => row.status === status).length])
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status}`);
  $('summary').textContent = counts.length ? `Shown: ${counts.join(' · ')}` : '';
}

function tableRow(job) {
  const tr = document.createElement('tr');
  tr.dataset.jobId = job.job_id;
  const cell = cellsOf(tr);
  const id = cell('job', '');
  const link = document.createElement('a');
  link.href = `/#job=${encodeURIComponent(job.job_id)}`;
  link.textContent = job.job_id.slice(0, 8);
  link.title = job.job_id;
  id.append(link);
  cell('status', job.status).dataset.status = job.status;
  cell('attempts', String(job.attempts));
  cell('runner', job.runner_id ?? '–');
  cell('tokens', `${job.tokens} of ≤ ${job.max_tokens}`);
  cell('tokens_per_second', job.tokens_per_second > 0 ? job.tokens_per_second.toFixed(1) : '–');
  cell('error', job.error ?? '').classList.add('error-text');
  cell('created', time(job.created_at));
  cell('updated', time(job.updated_at));
  return tr;
}

// ---- webhook deliveries ---------------------------------------------------------------------

async function adminFetch(path, { json, ...options } = {}) {
  const headers = { Authorization: `Bearer ${connectedToken}` };
  if (json) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { ...options, headers });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error ?? `The service answered ${response.status}.`);
  return body;
}

/** Fills a table from an admin list route; a refusal shows in the table's error line. */
async function loadTable(path, rowsId, row, errorId) {
  if (!connectedToken) return null;
  try {
    const list = await adminFetch(path);
    $(rowsId).replaceChildren(...list.map(row));
    $(errorId).textContent = '';
    return list;
  } catch (error) {
    $(errorId).textContent = error.message;
    return null;
  }
}

async function loadWebhooks() {
  const deliveries = await loadTable('/api/admin/webhooks?limit=100', 'webhook-rows', webhookRow, 'webhooks-error');
  if (deliveries) $('no-webhooks').hidden = deliveries.length > 0;
}

function webhookRow(delivery) {
  const tr = document.createElement('tr');
  tr.dataset.deliveryId = delivery.id;
  const cell = cellsOf(tr);
  cell('id', delivery.id.slice(0, 12)).title = delivery.id;
  const job = cell('job', '');
  const link = document.createElement('a');
  link.href = `/#job=${encodeURIComponent(delivery.job_id)}`;
  link.textContent = delivery.job_id.slice(0, 8);
  job.append(link);
  cell('event', delivery.event);
  cell('url', delivery.url).classList.add('url-text');
  cell('state', delivery.state).dataset.state = delivery.state;
  cell('attempts', String(delivery.attempts));
  const last = delivery.attempt_log.at(-1);
  cell('last', last ? last.error ?? `${last.status_code}` : '–').classList.toggle('error-text', Boolean(last?.error));
  cell('created', time(delivery.created_at));
  cell('action', '').append(actionButton('Send again', () => adminFetch(
    `/api/admin/webhooks/${encodeURIComponent(delivery.id)}/redeliver`, { method: 'POST' }), loadWebhooks, 'webhooks-error'));
  return tr;
}

// ---- client keys ------------------------------------------------------------------------------

const loadKeys = () => loadTable('/api/admin/keys', 'key-rows', keyRow, 'keys-error');

function keyRow(key) {
  const tr = document.createElement('tr');
  tr.dataset.keyId = key.id;
  const cell = cellsOf(tr);
  cell('id', key.id);
  cell('name', key.name);
  cell('created', time(key.created_at));
  cell('revoked', key.revoked_at ? time(key.revoked_at) : '–');
  const action = cell('action', '');
  if (!key.revoked_at) {
    action.append(actionButton('Revoke', () => adminFetch(`/api/admin/keys/${encodeURIComponent(key.id)}/revoke`,
      { method: 'POST' }), loadKeys, 'keys-error'));
  }
  return tr;
}

$('key-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const name = $('key-name').value.trim();
  if (!name) {
    $('keys-error').textContent = 'Say whom the key is for.';
    return;
  }
  try {
    const created = await adminFetch('/api/admin/keys', {
      method: 'POST', body: JSON.stringify({ name }), json: true,
    });
    $('key-name').value = '';
    $('new-key').textContent = `New key for ${created.name} (shown only now): ${created.key}`;
    $('new-key').hidden = false;
    await loadKeys();
  } catch (error) {
    $('keys-error').textContent = error.message;
  }
});

// ---- advisors' adapters ---------------------------------------------------------------------

const loadAdvisors = () => loadTable('/api/admin/advisors', 'advisor-rows', advisorRow, 'advisors-error');

function advisorRow(advisor) {
  const tr = document.createElement('tr');
  tr.dataset.advisorId = advisor.id;
  const cell = cellsOf(tr);
  cell('name', advisor.name);
  const input = document.createElement('input');
  input.value = advisor.adapter ?? '';
  input.placeholder = 'none';
  input.autocomplete = 'off';
  input.setAttribute('aria-label', `${advisor.name}'s adapter`);
  cell('adapter', '').append(input);
  cell('runners', advisor.runners.join(', ') || '–');
  cell('problem', advisor.problem ?? '').classList.add('error-text');
  const path = `/api/admin/advisors/${encodeURIComponent(advisor.id)}/adapter`;
  const action = cell('action', '');
  action.append(actionButton('Save', () => adminFetch(path, {
    method: 'PUT', body: JSON.stringify({ adapter: input.value.trim() || null }), json: true,
  }), loadAdvisors, 'advisors-error'));
  if (advisor.chosen) {
    action.append(actionButton('Use the file\'s', () => adminFetch(path, { method: 'DELETE' }), loadAdvisors,
      'advisors-error'));
  }
  return tr;
}

/** A function that adds a cell (its field named for tests and styles) to the row, as text only. */
function cellsOf(tr) {
  return (field, text) => {
    const td = document.createElement('td');
    td.dataset.field = field;
    td.textContent = text;
    tr.append(td);
    return td;
  };
}

/** A button that makes an admin request, then reloads its table; a refusal shows in the table's error line. */
function actionButton(label, request, reload, errorId) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'link';
  button.textContent = label;
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await request();
      await reload();
    } catch (error) {
      $(errorId).textContent = error.message;
      button.disabled = false;
    }
  });
  return button;
}

function time(epochMs) {
  const at = new Date(epochMs);
  return at.toDateString() === new Date().toDateString() ? at.toLocaleTimeString() : at.toLocaleString();
}

$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const token = $('token').value.trim();
  if (!token) {
    $('token-error').textContent = 'Paste the admin token first.';
    return;
  }
  storeToken(token);
  connect(token);
});
$('forget').addEventListener('click', () => disconnect());
$('refresh-webhooks').addEventListener('click', loadWebhooks);
$('refresh-advisors').addEventListener('click', loadAdvisors);
setInterval(loadWebhooks, WEBHOOK_REFRESH_MS);

const saved = storedToken();
if (saved) connect(saved);
else $('token').focus();
