// The operator's page (admin.html) in a real headless Chromium against the real functions service: the token
// pasted into the page, every job's row kept live by the admin stream while a runner is played over the runner API.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { ADMIN_TOKEN, RUNNER_TOKEN, launchBrowser, screenshot, scriptedRunner, startService } from './harness.mjs';

describe('the operator page', () => {
  let browser;
  let service;
  let runner;
  before(async () => {
    browser = await launchBrowser();
    service = await startService(['--mondrian.webhook-allowed-hosts=127.0.0.1', '--mondrian.webhook-backoff=200ms']);
    runner = scriptedRunner(service.base);
  });
  after(async () => {
    await browser?.close();
    await service?.kill();
  });

  async function openAdmin() {
    const page = await (await browser.newContext({ viewport: { width: 1300, height: 800 } })).newPage();
    const problems = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${service.base}/admin.html`);
    return { page, problems };
  }

  async function signIn(page, token) {
    await page.fill('#token', token);
    await page.click('#connect');
  }

  /** A row's cells by field, as the page shows them. */
  function cells(page, id) {
    return page.evaluate((jobId) => {
      const row = document.querySelector(`#job-rows tr[data-job-id="${jobId}"]`);
      return row && Object.fromEntries([...row.cells].map((td) => [td.dataset.field, td.textContent]));
    }, id);
  }

  /** Waits until the job's row shows `expected` (a subset of its cells); a timeout says what it showed. */
  async function untilRow(page, id, expected) {
    const deadline = Date.now() + 20_000;
    let shown;
    while (Date.now() < deadline) {
      shown = await cells(page, id);
      if (shown && Object.entries(expected).every(([field, text]) => shown[field] === text)) return shown;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`row ${id} never showed ${JSON.stringify(expected)}; it showed ${JSON.stringify(shown)}`);
  }

  async function createJob(prompt) {
    const response = await fetch(`${service.base}/api/jobs`, {
      method: 'POST',
      body: new URLSearchParams({ prompt, max_tokens: '300' }),
    });
    assert.equal(response.status, 201);
    return (await response.json()).job_id;
  }

  it('refuses a wrong token, and the runner token, with the reason the service gave', async () => {
    const { page, problems } = await openAdmin();
    for (const token of ['not-the-admin-token', RUNNER_TOKEN]) {
      await signIn(page, token);
      await page.waitForFunction(() => /admin token/.test(document.getElementById('token-error').textContent));
      assert.equal(await page.textContent('#token-error'),
        'The service refused this token: missing or wrong admin token.');
      assert.equal(await page.isHidden('#jobs-panel'), true);
      assert.equal(await page.locator('#job-rows tr').count(), 0);
      assert.equal(await page.evaluate(() => sessionStorage.getItem('mondrian.admin-token')), null);
    }
    await screenshot(page, 'admin-refused');
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('shows a job\'s row change live as a runner reports, as text only, and keeps the token for the tab', async () => {
    const { page, problems } = await openAdmin();
    const requests = [];
    page.on('request', (request) => requests.push(request.url()));
    await signIn(page, ADMIN_TOKEN);
    await page.waitForFunction(() => document.getElementById('jobs-panel').dataset.state === 'live');
    assert.equal(await page.isHidden('#token-form'), true);

    const id = await createJob('Watched from the operator page');
    await untilRow(page, id, { status: 'queued', attempts: '0', runner: '–', tokens: '0 of ≤ 300' });

    const job = await runner.claim();
    assert.equal(job.job_id, id);
    await untilRow(page, id, { status: 'running', attempts: '1', runner: 'browser-test' });
    for (const [tokens, tps] of [[10, 20], [25, 31.25], [60, 42]]) {
      assert.equal((await runner.thinking(job, { text: 'more ', tokens, tokens_per_second: tps })).status, 200);
      await untilRow(page, id, { status: 'running', tokens: `${tokens} of ≤ 300`, tokens_per_second: tps.toFixed(1) });
    }
    await screenshot(page, 'admin-live');

    const error = '<img src=x onerror="window.__xss = 1"> ran out of memory';
    assert.equal((await runner.fail(job, error)).status, 200);
    await untilRow(page, id, { status: 'failed', error });
    assert.equal(await page.locator('#job-rows img').count(), 0);
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    assert.match(await page.textContent('#summary'), /1 failed/);

    // The token stays with the tab (a reload reconnects by itself) and never travels in an address.
    await page.reload();
    await untilRow(page, id, { status: 'failed', attempts: '1', runner: 'browser-test' });
    assert.ok(requests.every((url) => !url.includes(ADMIN_TOKEN)), `a request carried the token: ${requests}`);
    await page.click('#forget');
    assert.equal(await page.isVisible('#token-form'), true);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('mondrian.admin-token')), null);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('lists the webhook deliveries with their attempts, and sends one again', async () => {
    let answer = 500;
    const received = [];
    const receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => { body += chunk; });
      request.on('end', () => {
        received.push({ id: request.headers['webhook-id'], body });
        response.writeHead(answer).end();
      });
    });
    await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const created = await fetch(`${service.base}/api/jobs`, {
        method: 'POST',
        body: new URLSearchParams({ prompt: 'Tell my hook', webhook: `http://127.0.0.1:${receiver.address().port}/hook` }),
      });
      assert.equal(created.status, 201);
      const id = (await created.json()).job_id;
      assert.equal((await fetch(`${service.base}/api/jobs/${id}/cancel`, { method: 'POST' })).status, 200);

      const { page, problems } = await openAdmin();
      await signIn(page, ADMIN_TOKEN);
      const row = () => page.evaluate((jobId) => {
        const tr = [...document.querySelectorAll('#webhook-rows tr')]
          .find((r) => r.querySelector('a')?.href.endsWith(jobId));
        return tr && Object.fromEntries([...tr.cells].map((td) => [td.dataset.field, td.textContent]));
      }, id);
      const until = async (check) => {
        const deadline = Date.now() + 20_000;
        let shown;
        while (Date.now() < deadline) {
          await page.click('#refresh-webhooks');
          shown = await row();
          if (shown && check(shown)) return shown;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        throw new Error(`the delivery never showed what was waited for; it showed ${JSON.stringify(shown)}`);
      };
      const failing = await until((r) => r.state === 'pending' && Number(r.attempts) >= 1);
      assert.equal(failing.event, 'completed');
      assert.match(failing.last, /answered 500/);
      await screenshot(page, 'admin-webhooks');

      answer = 204;
      const delivered = await until((r) => r.state === 'delivered');
      assert.equal(delivered.last, '204');
      const before = received.length;
      await page.click(`#webhook-rows button`);
      const deadline = Date.now() + 20_000;
      while (received.length === before && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.equal(received.length, before + 1, 'sent again');
      assert.equal(received.at(-1).id, received.at(-2).id, 'the same message');
      assert.deepEqual(problems, []);
      await page.context().close();
    } finally {
      receiver.close();
    }
  });

  it('creates a client key, shows it once, and revokes it', async () => {
    const { page, problems } = await openAdmin();
    await signIn(page, ADMIN_TOKEN);
    await page.fill('#key-name', 'the iOS app');
    await page.click('#create-key');
    await page.waitForFunction(() => /^New key for the iOS app \(shown only now\): mk_/.test(
      document.getElementById('new-key').textContent));
    const key = (await page.textContent('#new-key')).split(': ')[1];
    const row = page.locator('#key-rows tr', { hasText: 'the iOS app' });
    await row.waitFor();
    assert.equal(await row.locator('[data-field="revoked"]').textContent(), '–');
    assert.ok(!(await page.textContent('#key-rows')).includes(key), 'the list never shows a secret');
    await screenshot(page, 'admin-keys');
    await row.locator('button').click();
    await page.waitForFunction(() => [...document.querySelectorAll('#key-rows tr')]
      .some((tr) => tr.textContent.includes('the iOS app') && tr.querySelector('[data-field="revoked"]').textContent !== '–'));
    const listed = await (await fetch(`${service.base}/api/admin/keys`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } })).json();
    assert.ok(listed.find((k) => k.name === 'the iOS app').revoked_at > 0);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('gives an advisor an adapter a runner holds, and says why one that does not fit is refused', async () => {
    await runner.report(['okeefe-lora'], { 'wide-lora': 'does not fit this model at model.layers.0.self_attn.q_proj' });
    const { page, problems } = await openAdmin();
    await signIn(page, ADMIN_TOKEN);
    const row = () => page.locator('#advisor-rows tr[data-advisor-id="okeefe"]');
    await row().waitFor();
    assert.equal(await row().locator('[data-field="runners"]').textContent(), '–');

    await row().locator('input').fill('wide-lora');
    await row().getByRole('button', { name: 'Save' }).click();
    await page.waitForFunction(() => document.getElementById('advisors-error').textContent === "adapter 'wide-lora' "
      + 'cannot be used: runner browser-test-adapters: does not fit this model at model.layers.0.self_attn.q_proj');

    await row().locator('input').fill('okeefe-lora');
    await row().getByRole('button', { name: 'Save' }).click();
    await page.waitForFunction(() => document.querySelector(
      '#advisor-rows tr[data-advisor-id="okeefe"] [data-field="runners"]')?.textContent === 'browser-test-adapters');
    assert.equal(await page.textContent('#advisors-error'), '');
    const okeefe = async () => (await (await fetch(`${service.base}/api/advisors`)).json()).find((a) => a.id === 'okeefe');
    assert.equal((await okeefe()).adapter, 'okeefe-lora');
    await screenshot(page.locator('#advisors-panel'), 'admin-advisors');

    await row().getByRole('button', { name: "Use the file's" }).click();
    await page.waitForFunction(() => document.querySelector(
      '#advisor-rows tr[data-advisor-id="okeefe"] input')?.value === '');
    assert.equal((await okeefe()).adapter, null);
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});
