// The page in a real headless Chromium against the real functions service, with the runner played
// over the runner API so each test decides what the "model" writes and when.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMIN_TOKEN, launchBrowser, png, screenshot, scriptedRunner, startService } from './harness.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

async function openPage(service, viewport = { width: 1100, height: 900 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(service.base);
  await page.locator('input[name="advisor"]').first().waitFor();
  return { page, problems };
}

async function ask(page, question) {
  await page.fill('#prompt', question);
  await page.click('#submit');
  await page.waitForFunction(() => /^#job=[0-9a-f]{32}$/.test(location.hash));
  return page.evaluate(() => location.hash.slice('#job='.length));
}

/** Waits until `expression` (evaluated in the page) is truthy; a timeout says what the page showed. */
async function until(page, expression, arg) {
  try {
    await page.waitForFunction(expression, arg, { timeout: 20_000 });
  } catch (error) {
    const shown = await page.evaluate(() => ['status', 'tokens', 'connection', 'form-error', 'job-error', 'analysis']
      .map((id) => `${id}: ${JSON.stringify(document.getElementById(id)?.textContent)}`).join('\n'));
    throw new Error(`${error.message}\nwaiting for ${expression}\nthe page showed:\n${shown}`);
  }
}

describe('with one service', () => {
  let service;
  let runner;
  before(async () => {
    service = await startService();
    runner = scriptedRunner(service.base);
  });
  after(async () => {
    await service?.kill();
  });

  it('shows an uploaded photo live: token counts rise, the text grows, the analysis is rendered', async () => {
    const { page, problems } = await openPage(service);
    await page.check('input[name="advisor"][value="okeefe"]');
    await page.setInputFiles('#image', { name: 'field.png', mimeType: 'image/png', buffer: png(160, 120) });
    await page.locator('#preview img').waitFor();
    assert.match(await page.textContent('#preview figcaption'), /field\.png/);
    await page.click('#settings summary');
    await page.fill('#max_tokens', '300');
    await page.fill('#update_interval_ms', '500');
    const id = await ask(page, 'Is the sun too bright?');

    const job = await runner.claim();
    assert.equal(job.job_id, id);
    assert.equal(job.advisor.id, 'okeefe');
    assert.equal(job.image.content_type, 'image/png');
    assert.equal(job.prompt, 'Is the sun too bright?');
    assert.equal(job.max_tokens, 300);
    assert.equal(job.update_interval_ms, 500);

    // Pieces of a critique as a runner sends them; the third one's page is the README's picture.
    const pieces = ['## Light\n\nThe sun sits high and hard, ', 'and the sky is a flat, even blue ', 'that leaves the ',
      'field no shadow to rest on. ', 'Shoot an hour later.'];
    const shown = ['high and hard,', 'even blue', 'leaves the', 'rest on.', 'an hour later.']; // each piece's text, rendered
    const seen = [];
    for (let i = 1; i <= 5; i++) {
      await runner.thinking(job, { text: pieces[i - 1], tokens: 10 * i, tokens_per_second: 20, prompt_tokens: 40, elapsed_ms: 500 * i });
      await until(page, (n) => document.getElementById('tokens').textContent === `${10 * n} of ≤ 300`, i);
      await until(page, (text) => document.getElementById('analysis').textContent.includes(text), shown[i - 1]);
      seen.push(await page.textContent('#analysis'));
      if (i === 3) {
        await screenshot(page, 'live-progress');
        await screenshot(page.locator('#job'), 'readme-live');
      }
    }
    for (let i = 1; i < seen.length; i++) {
      assert.ok(seen[i].startsWith(seen[i - 1].trim()) && seen[i].length > seen[i - 1].length, `text grows: ${seen}`);
    }
    assert.equal(await page.textContent('#speed'), '20.0 tokens/s');
    assert.match(await page.textContent('#eta'), /^≤ /);
    assert.ok(Number(await page.getAttribute('#progress', 'value')) > 0);

    const analysis = '## Light\n\nThe **sun** is *too* bright.\n\n- lower the exposure\n- keep the `sky` blue';
    assert.equal((await runner.complete(job, analysis, 60)).status, 200);
    await until(page, () => document.getElementById('status').textContent === 'completed');
    assert.equal(await page.textContent('#analysis h4'), 'Light');
    assert.equal(await page.textContent('#analysis strong'), 'sun');
    assert.equal(await page.textContent('#analysis em'), 'too');
    assert.deepEqual(await page.locator('#analysis li').allTextContents(), ['lower the exposure', 'keep the sky blue']);
    assert.equal(await page.getAttribute('#progress', 'value'), '100');
    assert.equal(await page.isHidden('#cancel'), true);
    await screenshot(page, 'analysis-complete');

    // The photo stands beside its critique, as the service keeps it.
    await until(page, () => document.getElementById('job-photo-image').naturalWidth === 160);
    assert.equal(await page.isVisible('#job-photo'), true);

    // The history keeps it, with a thumbnail of the photo; a reload reopens it from the address, photo and all.
    assert.match(await page.textContent('#history-list'), /Is the sun too bright\?/);
    await until(page, () => document.querySelector('#history-list .history-thumb')?.naturalHeight === 120);
    await page.reload();
    await until(page, () => document.getElementById('status').textContent === 'completed');
    assert.equal(await page.textContent('#analysis h4'), 'Light');
    await until(page, () => document.getElementById('job-photo-image').naturalWidth === 160);
    await screenshot(page, 'reopened-with-photo');

    // A question without a photo shows none; cancelled, so the next test's runner claims its own job.
    await page.fill('#prompt', 'And without a photo?');
    await page.click('#submit');
    await page.waitForFunction((old) => /^#job=[0-9a-f]{32}$/.test(location.hash) && location.hash !== `#job=${old}`, id);
    const textOnly = await page.evaluate(() => location.hash.slice('#job='.length));
    await until(page, () => document.getElementById('job-photo').hidden);
    assert.equal((await fetch(`${service.base}/api/jobs/${textOnly}/cancel`, { method: 'POST' })).status, 200);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('falls back to the WebSocket when Server-Sent Events cannot get through', async () => {
    const { page } = await openPage(service);
    const sockets = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    await page.route('**/events?*', (route) => route.abort());
    const id = await ask(page, 'Over a WebSocket, please.');
    const job = await runner.claim();
    assert.equal(job.job_id, id);
    await runner.thinking(job, { text: 'carried by the socket', tokens: 4, tokens_per_second: 8 });
    await until(page, () => document.getElementById('analysis').textContent.includes('carried by the socket'));
    await runner.complete(job, 'carried by the socket', 4);
    await until(page, () => document.getElementById('status').textContent === 'completed');
    assert.ok(sockets.some((url) => url.includes(`/api/jobs/${id}/ws`)), `websockets: ${sockets}`);
    await page.context().close();
  });

  it('shows markup in the prompt and in the model output as text, never as HTML', async () => {
    const { page, problems } = await openPage(service);
    const prompt = '<img src=x onerror="window.__xss = 1">';
    const id = await ask(page, prompt);
    const job = await runner.claim();
    assert.equal(job.job_id, id);
    assert.equal(job.prompt, prompt);
    await runner.thinking(job, { text: '<script>window.__xss = 2</script> ', tokens: 3, tokens_per_second: 5,
      message: '<b onmouseover="window.__xss = 5">thinking</b>' });
    await until(page, () => document.getElementById('thinking').textContent.startsWith('<b onmouseover='));
    await until(page, () => document.getElementById('analysis').textContent.includes('<script>window.__xss = 2</script>'));
    assert.equal(await page.locator('#analysis script, #thinking b').count(), 0);
    const analysis = '# <img src=x onerror="window.__xss = 3">\n\n**<svg onload="window.__xss = 4">** and a [link](javascript:alert(1))';
    await runner.complete(job, analysis, 3);
    await until(page, () => document.getElementById('status').textContent === 'completed');
    const text = await page.textContent('#analysis');
    assert.ok(text.includes('<img src=x onerror="window.__xss = 3">'), text);
    assert.ok(text.includes('<svg onload="window.__xss = 4">'), text);
    assert.equal(await page.locator('#analysis img, #analysis svg, #analysis script, #analysis a, #thinking b').count(), 0);
    assert.match(await page.textContent('#history-list'), /<img src=x/);
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    assert.deepEqual(problems, []);
    await screenshot(page, 'markup-as-text');
    await page.context().close();
  });

  it('cancels a running job, and works from the keyboard on a phone-sized screen', async () => {
    const { page } = await openPage(service, { width: 375, height: 740 });
    // Keyboard only: move to the second advisor with the arrow keys, type, submit with Enter.
    await page.focus('input[name="advisor"][value="ansel"]');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate(() => document.activeElement.value), 'okeefe');
    await page.focus('#prompt');
    await page.keyboard.type('Which lens for portraits?');
    await page.focus('#submit');
    await page.keyboard.press('Enter');
    await until(page, () => /^#job=/.test(location.hash));
    const job = await runner.claim();
    assert.equal(job.advisor.id, 'okeefe');
    await runner.thinking(job, { text: 'A short lens ', tokens: 3, tokens_per_second: 6 });
    await until(page, () => document.getElementById('status').textContent === 'running');
    assert.equal(await page.evaluate(() => document.scrollingElement.scrollWidth <= window.innerWidth), true,
      'no sideways scrolling on a phone');
    await screenshot(page, 'phone-running');

    await page.focus('#cancel');
    await page.keyboard.press('Enter');
    await until(page, () => document.getElementById('status').textContent === 'cancelled');
    assert.equal((await runner.thinking(job, { text: 'too late' })).status, 409);
    assert.equal(await page.isHidden('#cancel'), true);
    await page.context().close();
  });

  it('says what is wrong before uploading nothing or a file that is not an image', async () => {
    const { page } = await openPage(service);
    await page.click('#submit');
    assert.equal(await page.textContent('#form-error'), 'Choose a photo or type a question.');
    await page.setInputFiles('#image', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await page.fill('#prompt', 'x');
    await page.click('#submit');
    assert.match(await page.textContent('#form-error'), /“notes\.txt” is not a JPEG, PNG, GIF or BMP image/);
    assert.equal(await page.evaluate(() => location.hash), '');

    // A photo dropped on the photo area replaces the rejected file, with a preview.
    const dropped = await page.evaluateHandle((bytes) => {
      const files = new DataTransfer();
      files.items.add(new File([new Uint8Array(bytes)], 'dropped.png', { type: 'image/png' }));
      return files;
    }, [...png(40, 30)]);
    await page.dispatchEvent('#drop', 'drop', { dataTransfer: dropped });
    await page.locator('#preview img').waitFor();
    assert.match(await page.textContent('#preview figcaption'), /dropped\.png/);
    assert.equal(await page.textContent('#form-error'), '');
    await page.click('#clear-image');
    assert.equal(await page.isHidden('#preview'), true);
    await page.context().close();
  });
});

it('shows the service refusing an upload: too big, or not an image whatever its name says', async () => {
  const service = await startService(['--mondrian.max-upload-size=60KB']);
  try {
    const { page } = await openPage(service);
    await page.setInputFiles('#image', { name: 'fake.png', mimeType: 'image/png', buffer: Buffer.from('not a png at all') });
    await page.click('#submit');
    await until(page, () => document.getElementById('form-error').textContent.length > 0);
    assert.match(await page.textContent('#form-error'), /JPEG, PNG, GIF or BMP/);

    await page.setInputFiles('#image', { name: 'big.png', mimeType: 'image/png', buffer: png(300, 300, { noisy: true }) });
    await page.click('#submit');
    await until(page, () => /limit|large|big/i.test(document.getElementById('form-error').textContent));
    await screenshot(page, 'upload-refused');
    assert.equal(await page.evaluate(() => location.hash), '');
    await page.context().close();
  } finally {
    await service.kill();
  }
});

it('reconnects after the service restarts mid-job, without showing any text twice', async () => {
  const service = await startService();
  try {
    const runner = scriptedRunner(service.base);
    const { page } = await openPage(service);
    const id = await ask(page, 'Tell me about light.');
    const job = await runner.claim();
    assert.equal(job.job_id, id);
    await runner.thinking(job, { text: 'alpha ', tokens: 1, tokens_per_second: 2 });
    await runner.thinking(job, { text: 'beta ', tokens: 2, tokens_per_second: 2 });
    await until(page, () => document.getElementById('analysis').textContent.includes('beta'));

    await service.kill();
    await until(page, () => !document.getElementById('connection').hidden);
    assert.match(await page.textContent('#connection'), /reconnecting/i);
    await screenshot(page, 'reconnecting');
    await service.start(); // same port, same SQLite file: the lease is still this runner's
    await runner.thinking(job, { text: 'gamma', tokens: 3, tokens_per_second: 2 });
    await until(page, () => document.getElementById('analysis').textContent.includes('gamma'));
    assert.equal(await page.textContent('#analysis'), 'alpha beta gamma');
    await until(page, () => document.getElementById('connection').hidden);

    await runner.complete(job, 'alpha beta gamma', 3);
    await until(page, () => document.getElementById('status').textContent === 'completed');
    assert.equal(await page.textContent('#analysis'), 'alpha beta gamma');
    await page.context().close();
  } finally {
    await service.kill();
  }
});

it('asks for a client key where the service requires them, then works with it', async () => {
  // Read tokens last 3 s here, so the stream outlives the first one: the service ends it, and the page comes back
  // with a new one.
  const service = await startService(['--mondrian.client-keys=true', '--mondrian.read-token-ttl=3s']);
  try {
    const runner = scriptedRunner(service.base);
    const made = await fetch(`${service.base}/api/admin/keys`, {
      method: 'POST', headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'browser' }),
    });
    const key = (await made.json()).key;
    const { page, problems } = await openPage(service);
    await page.setInputFiles('#image', { name: 'keyed.png', mimeType: 'image/png', buffer: png(90, 60) });
    await page.fill('#prompt', 'Mine only?');
    await page.click('#submit');
    await until(page, () => /client key/.test(document.getElementById('form-error').textContent));
    assert.equal(await page.isVisible('#client-key'), true);
    assert.equal(await page.evaluate(() => location.hash), '', 'nothing was created');

    await page.fill('#client-key', key);
    await page.click('#submit');
    await page.waitForFunction(() => /^#job=[0-9a-f]{32}$/.test(location.hash));
    const job = await runner.claim();
    await runner.thinking(job, { text: 'Only yours. ', tokens: 3, tokens_per_second: 6 });
    await until(page, () => document.getElementById('analysis').textContent.includes('Only yours.'));
    await new Promise((resolve) => setTimeout(resolve, 5000));
    await runner.thinking(job, { text: 'Still yours.', tokens: 5, tokens_per_second: 6 });
    await until(page, () => document.getElementById('analysis').textContent.includes('Still yours.'));
    assert.equal((await runner.complete(job, 'Only yours. Still yours.', 5)).status, 200);
    await until(page, () => document.getElementById('status').textContent === 'completed');
    await until(page, () => document.getElementById('job-photo-image').naturalWidth === 90);
    assert.equal(await page.isHidden('#client-key-row'), true);

    // Without the key, the job is as good as missing; the page that keeps it reopens it after a reload.
    assert.equal((await fetch(`${service.base}/api/jobs/${job.job_id}`)).status, 404);
    await page.reload();
    await until(page, () => document.getElementById('status').textContent === 'completed');
    await until(page, () => document.querySelector('#history-list .history-thumb')?.naturalWidth === 90);
    assert.deepEqual(problems, []);
    await page.context().close();
  } finally {
    await service.kill();
  }
});
