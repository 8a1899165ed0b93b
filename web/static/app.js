// A minimal client of the job API: create a job, then follow its SSE stream.
// Everything the model or the user wrote is set as textContent, never as HTML.
const $ = (id) => document.getElementById(id);

async function loadAdvisors() {
  const advisors = await (await fetch('/api/advisors')).json();
  for (const a of advisors) {
    const option = document.createElement('option');
    option.value = a.id;
    option.textContent = `${a.name} — ${a.focus_areas.join(', ')}`;
    $('advisor').append(option);
  }
}

function follow(job) {
  $('job').hidden = false;
  $('analysis').textContent = '';
  const source = new EventSource(job.links.events);
  // A connection failure also fires 'error', without data: EventSource then reconnects by itself.
  const on = (type, handle) => source.addEventListener(type, (e) => e.data && handle(JSON.parse(e.data)));
  on('status_update', (e) => {
    $('status').textContent = e.job_data.status;
    $('thinking').textContent = e.job_data.llm_thinking;
    if (e.job_data.current_step === 'analyzing') $('analysis').textContent = '';
  });
  on('thinking_update', (e) => {
    $('thinking').textContent = e.thinking;
    $('progress').value = Math.min(100, (100 * e.tokens) / e.max_tokens);
  });
  on('token', (e) => { $('analysis').textContent += e.text; });
  on('analysis_complete', (e) => { $('analysis').textContent = e.analysis; $('progress').value = 100; });
  on('error', (e) => { $('error').textContent = e.error; });
  on('done', () => source.close());
}

$('job-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('error').textContent = '';
  const form = new FormData(event.target);
  if (!$('image').files.length) form.delete('image');
  const response = await fetch('/api/jobs', { method: 'POST', body: form });
  const body = await response.json();
  if (!response.ok) {
    $('error').textContent = body.error;
    return;
  }
  follow(body);
});

loadAdvisors().catch(() => { $('error').textContent = 'Cannot reach the service.'; });
