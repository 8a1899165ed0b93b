// The page: choose an advisor, give a photo and/or a question, then watch the critique being
// written. Whatever the model or a user wrote reaches the page as text nodes only (textContent,
// markdown.js), never as HTML.
import { followJob } from './events.js';
import { renderMarkdown } from './markdown.js';
import { forgetAll, loadHistory, remember } from './history.js';
import { keepClientKey, readTokenParam, withKey } from './access.js';
import * as format from './format.js';

const $ = (id) => document.getElementById(id);
// The service's default limits; it checks them itself, these only spare a pointless upload.
const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/bmp'];
const RUNNING = new Set(['queued', 'running']);

let advisorNames = new Map();
// On AWS the deployment serves /config.json: images go to S3 first and live updates come over its WebSocket API.
let deployment = {};
let follower = null;
let job = null;
let previewUrl = null;
let renderPending = false;

/** fetch with the service's JSON errors turned into messages a person can act on. */
async function api(path, options = {}) {
  let response;
  try {
    response = await fetch(path, { ...options, headers: withKey(options.headers) });
  } catch {
    throw new Error('Cannot reach the Mondrian service. Check your connection and try again.');
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(body.error ?? `The service answered ${response.status}.`);
  }
  return body;
}

function showFormError(message) {
  $('form-error').textContent = message;
}

// ---- advisors -------------------------------------------------------------------------------

async function loadAdvisors() {
  const advisors = await api('/api/advisors');
  advisorNames = new Map(advisors.map((a) => [a.id, a.name]));
  const fieldset = $('advisors');
  $('advisors-loading').remove();
  advisors.forEach((advisor, index) => {
    const label = document.createElement('label');
    label.className = 'advisor';
    const input = document.createElement('input');
    input.type = 'radio';
    input.name = 'advisor';
    input.value = advisor.id;
    input.checked = index === 0;
    const name = document.createElement('span');
    name.className = 'advisor-name';
    name.textContent = advisor.name;
    const focus = document.createElement('span');
    focus.className = 'advisor-focus';
    focus.textContent = advisor.focus_areas.join(' · ');
    const bio = document.createElement('span');
    bio.className = 'advisor-bio';
    bio.textContent = advisor.bio;
    label.append(input, name, focus, bio);
    fieldset.append(label);
  });
}

// ---- the photo ------------------------------------------------------------------------------

function problemWith(file) {
  if (file.type && !IMAGE_TYPES.includes(file.type)) {
    return `“${file.name}” is not a JPEG, PNG, GIF or BMP image.`;
  }
  if (file.size > MAX_UPLOAD_BYTES) {
    return `“${file.name}” is ${format.bytes(file.size)}; photos can be at most ${format.bytes(MAX_UPLOAD_BYTES)}.`;
  }
  return null;
}

function showPreview() {
  const file = $('image').files[0];
  if (previewUrl) URL.revokeObjectURL(previewUrl);
  previewUrl = null;
  showFormError('');
  if (!file) {
    $('preview').hidden = true;
    return;
  }
  const problem = problemWith(file);
  if (problem) {
    showFormError(problem);
  }
  previewUrl = URL.createObjectURL(file);
  $('preview-image').src = previewUrl;
  $('preview-caption').textContent = `${file.name} · ${format.bytes(file.size)}`;
  $('preview').hidden = false;
}

function clearImage() {
  $('image').value = '';
  showPreview();
  $('image').focus();
}

function acceptDrops() {
  const drop = $('drop');
  for (const type of ['dragenter', 'dragover']) {
    drop.addEventListener(type, (e) => {
      e.preventDefault();
      drop.classList.add('dragging');
    });
  }
  for (const type of ['dragleave', 'drop']) {
    drop.addEventListener(type, () => drop.classList.remove('dragging'));
  }
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    const file = e.dataTransfer.files[0];
    if (!file) return;
    const files = new DataTransfer();
    files.items.add(file);
    $('image').files = files.files;
    showPreview();
  });
}

// ---- asking for a critique ------------------------------------------------------------------

async function submit(event) {
  event.preventDefault();
  showFormError('');
  const form = new FormData(event.target);
  const file = $('image').files[0];
  const prompt = String(form.get('prompt') ?? '').trim();
  if (!file) form.delete('image');
  if (!file && !prompt) {
    showFormError('Choose a photo or type a question.');
    $('image').focus();
    return;
  }
  const problem = file && problemWith(file);
  if (problem) {
    showFormError(problem);
    return;
  }
  const button = $('submit');
  button.disabled = true;
  button.textContent = file ? 'Uploading…' : 'Sending…';
  form.delete('client_key');
  const typedKey = $('client-key').value.trim();
  if (typedKey) keepClientKey(typedKey);
  try {
    const created = deployment.live_updates_url ? await createThroughS3(form, file) :
      await api('/api/jobs', { method: 'POST', body: form });
    $('client-key-row').hidden = true;
    remember({
      id: created.job_id,
      createdAt: Date.now(),
      advisor: created.advisor,
      prompt: prompt.slice(0, 80),
      hasImage: Boolean(file),
      status: created.status,
    });
    renderHistory();
    location.hash = `job=${created.job_id}`; // opens it, and makes a reload reopen it
  } catch (error) {
    showFormError(error.message);
    if (/client key/.test(error.message)) askForKey();
    $('form-error').focus?.();
  } finally {
    button.disabled = false;
    button.textContent = 'Ask for a critique';
  }
}

/** This service wants a client key (an operator hands them out): ask for one, and forget a refused one. */
function askForKey() {
  keepClientKey(null);
  $('client-key').value = '';
  $('client-key-row').hidden = false;
  $('client-key').focus();
}

/** On AWS (Lambda takes no multipart, at most 6 MB): the photo to S3 through a pre-signed URL, then the job as JSON. */
async function createThroughS3(form, file) {
  const fields = Object.fromEntries([...form.entries()].filter(([name]) => name !== 'image'));
  const json = (body) => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (file) {
    const upload = await api('/api/uploads', json({ size: file.size }));
    let stored;
    try {
      stored = await fetch(upload.upload_url, { method: upload.method, body: file });
    } catch {
      throw new Error('Cannot reach the photo storage. Check your connection and try again.');
    }
    if (!stored.ok) throw new Error(`The photo storage refused the upload (${stored.status}).`);
    fields.image_key = upload.image_key;
  }
  return api('/api/jobs', json(fields));
}

// ---- following a job ------------------------------------------------------------------------

async function open(jobId) {
  follower?.close();
  job = { id: jobId, status: 'queued', text: '', maxTokens: null, tokens: 0, tps: 0, elapsedMs: null, elapsedAt: 0 };
  const panel = $('job');
  panel.hidden = false;
  $('job-error').textContent = '';
  $('thinking').textContent = '';
  setStats();
  renderText();
  try {
    const snapshot = await api(`/api/jobs/${encodeURIComponent(jobId)}`);
    job.maxTokens = snapshot.max_tokens;
    showJobPhoto(jobId, snapshot.has_image);
    $('job-title').textContent = `${advisorNames.get(snapshot.advisor) ?? snapshot.advisor}'s critique`;
  } catch (error) {
    $('job-error').textContent = error.message;
    return;
  }
  if (job?.id !== jobId) return; // another job was opened meanwhile
  follower = followJob(jobId, { onEvent: handle, onState: showConnection, liveUpdatesUrl: deployment.live_updates_url,
    readToken: () => readTokenParam(jobId) });
  panel.scrollIntoView({ block: 'start' });
}

/** The photo beside its critique, also when the job is reopened later or from the history. */
async function showJobPhoto(jobId, hasImage) {
  $('job-photo').hidden = !hasImage;
  if (hasImage) $('job-photo-image').src = await photoUrl(jobId);
  else $('job-photo-image').removeAttribute('src');
}

/** An <img> sends no header: with a client key, the address carries a read token for the job. */
async function photoUrl(jobId) {
  const token = await readTokenParam(jobId);
  return `/api/jobs/${encodeURIComponent(jobId)}/image${token ? `?${token.slice(1)}` : ''}`;
}

function handle(event) {
  switch (event.type) {
    case 'status_update': {
      const data = event.job_data;
      setStatus(data.status);
      $('thinking').textContent = data.llm_thinking ?? '';
      // A new attempt (first claim, or a runner lost and replaced) writes the text from the start.
      if (data.current_step === 'analyzing' || data.current_step === 'requeued') {
        job.text = '';
        job.tokens = 0;
        renderText();
      }
      break;
    }
    case 'thinking_update':
      job.tokens = event.tokens;
      job.tps = event.tokens_per_second;
      job.maxTokens = event.max_tokens ?? job.maxTokens;
      job.elapsedMs = event.elapsed_ms;
      job.elapsedAt = performance.now();
      $('thinking').textContent = event.thinking;
      break;
    case 'token':
      job.text += event.text;
      scheduleRender();
      break;
    case 'analysis_complete':
      job.text = event.analysis;
      job.tokens = event.tokens;
      job.tps = event.tokens_per_second;
      job.elapsedMs = event.elapsed_ms;
      job.elapsedAt = performance.now();
      renderText();
      break;
    case 'error':
      $('job-error').textContent = event.error;
      break;
    case 'done':
      setStatus(event.status);
      break;
  }
  setStats();
}

function setStatus(status) {
  job.status = status;
  $('status').textContent = status;
  $('status').dataset.status = status;
  $('cancel').hidden = !RUNNING.has(status);
  $('analysis').setAttribute('aria-busy', String(RUNNING.has(status)));
  remember({ id: job.id, status });
  renderHistory();
}

function elapsedNow() {
  if (job.elapsedMs == null) return NaN;
  return job.status === 'running' ? job.elapsedMs + (performance.now() - job.elapsedAt) : job.elapsedMs;
}

function setStats() {
  $('tokens').textContent = job.maxTokens ? `${job.tokens} of ≤ ${job.maxTokens}` : String(job.tokens);
  $('speed').textContent = job.tps > 0 ? `${job.tps.toFixed(1)} tokens/s` : '–';
  $('elapsed').textContent = format.duration(elapsedNow());
  $('eta').textContent = job.status === 'running' ? format.eta(job.tokens, job.maxTokens, job.tps) : '–';
  const done = job.status === 'completed';
  $('progress').value = done ? 100 : job.maxTokens ? Math.min(100, (100 * job.tokens) / job.maxTokens) : 0;
}

// Token batches arrive up to ten times a second; the text is redrawn at most once per frame.
function scheduleRender() {
  if (renderPending) return;
  renderPending = true;
  requestAnimationFrame(() => {
    renderPending = false;
    renderText();
  });
}

function renderText() {
  $('analysis').replaceChildren(renderMarkdown(job?.text ?? ''));
}

function showConnection(state, detail) {
  const line = $('connection');
  line.hidden = state !== 'reconnecting';
  line.textContent = state === 'reconnecting' ? detail ?? 'Reconnecting…' : '';
}

async function cancel() {
  $('cancel').disabled = true;
  try {
    await api(`/api/jobs/${encodeURIComponent(job.id)}/cancel`, { method: 'POST' });
  } catch (error) {
    $('job-error').textContent = error.message;
  } finally {
    $('cancel').disabled = false;
  }
}

// ---- history --------------------------------------------------------------------------------

function renderHistory() {
  const jobs = loadHistory();
  $('history').hidden = jobs.length === 0;
  const items = jobs.map((entry) => {
    const item = document.createElement('li');
    const link = document.createElement('a');
    link.href = `#job=${entry.id}`;
    const what = entry.prompt || (entry.hasImage ? 'Photo critique' : 'Question');
    const who = advisorNames.get(entry.advisor) ?? entry.advisor ?? '';
    link.textContent = `${what} · ${who}`;
    const meta = document.createElement('span');
    meta.className = 'history-meta';
    meta.textContent = `${new Date(entry.createdAt).toLocaleString()} · ${entry.status}`;
    if (entry.hasImage) {
      const thumb = document.createElement('img');
      thumb.className = 'history-thumb';
      photoUrl(entry.id).then((url) => { thumb.src = url; });
      thumb.alt = '';
      thumb.loading = 'lazy';
      item.append(thumb);
    }
    item.append(link, meta);
    return item;
  });
  $('history-list').replaceChildren(...items);
}

function openFromLocation() {
  const id = /^#job=([0-9a-f]{32})$/.exec(location.hash)?.[1];
  if (id && id !== job?.id) open(id);
}

// ---- start ----------------------------------------------------------------------------------

$('job-form').addEventListener('submit', submit);
$('image').addEventListener('change', showPreview);
$('clear-image').addEventListener('click', clearImage);
$('cancel').addEventListener('click', cancel);
$('clear-history').addEventListener('click', () => {
  forgetAll();
  renderHistory();
});
window.addEventListener('hashchange', openFromLocation);
setInterval(() => job && RUNNING.has(job.status) && setStats(), 250);
acceptDrops();

fetch('/config.json')
  .then((response) => (response.ok ? response.json() : {}))
  .catch(() => ({}))
  .then((config) => {
    deployment = config;
    return loadAdvisors();
  })
  .catch((error) => showFormError(error.message))
  .finally(() => {
    renderHistory();
    openFromLocation();
  });
