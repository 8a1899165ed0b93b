// The page on the AWS deployment, in a real headless Chromium: the photo goes to S3 through a pre-signed URL,
// the job is created as JSON, and the critique arrives over the WebSocket API; behind it the real Lambda
// handlers (functions' LocalAws plays CloudFront, API Gateway and S3 on loopback).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { launchBrowser, png, screenshot, scriptedRunner, startLocalAws } from './harness.mjs';

describe('on the AWS deployment', () => {
  let browser;
  let aws;
  before(async () => {
    browser = await launchBrowser();
    aws = await startLocalAws();
  });
  after(async () => {
    await browser?.close();
    await aws?.kill();
  });

  it('uploads the photo to S3 and shows the critique live over the WebSocket API', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1100, height: 900 } })).newPage();
    const problems = [];
    page.on('pageerror', (error) => problems.push(error.message));
    const requests = [];
    page.on('request', (request) => requests.push(`${request.method()} ${new URL(request.url()).pathname}`));
    const sockets = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    await page.goto(aws.base);
    await page.locator('input[name="advisor"]').first().waitFor();

    await page.setInputFiles('#image', { name: 'field.png', mimeType: 'image/png', buffer: png(160, 120) });
    await page.fill('#prompt', 'Is the horizon level?');
    await page.click('#submit');
    await page.waitForFunction(() => /^#job=[0-9a-f]{32}$/.test(location.hash), null, { timeout: 20_000 });
    const id = await page.evaluate(() => location.hash.slice('#job='.length));
    assert.ok(requests.includes('POST /api/uploads'), requests.join('\n'));
    assert.ok(requests.some((r) => /^PUT \/local-uploads\/uploads\/[0-9a-f]{32}$/.test(r)), requests.join('\n'));
    assert.ok(!requests.some((r) => r.startsWith('GET /api/jobs/') && r.endsWith('/events')), 'no SSE on AWS');

    const runner = scriptedRunner(aws.base);
    const job = await runner.claim();
    assert.equal(job.job_id, id);
    assert.match(job.image.url, /\/local-uploads\/uploads\/[0-9a-f]{32}\?.*X-Amz-Signature=/);
    assert.deepEqual(Buffer.from(await (await fetch(job.image.url)).arrayBuffer()), png(160, 120));

    for (let i = 1; i <= 3; i++) {
      await runner.thinking(job, { text: `word${i} `, tokens: 10 * i, tokens_per_second: 20, prompt_tokens: 40, elapsed_ms: 500 * i });
      await page.waitForFunction((n) => document.getElementById('analysis').textContent.includes(`word${n}`), i,
        { timeout: 20_000 });
    }
    assert.equal((await runner.complete(job, 'The horizon is **level**.', 30)).status, 200);
    await page.waitForFunction(() => document.getElementById('status').textContent === 'completed', null, { timeout: 20_000 });
    assert.equal(await page.textContent('#analysis strong'), 'level');
    assert.ok(sockets.some((url) => url.includes(`?job=${id}`)), sockets.join('\n'));
    await screenshot(page, 'aws-analysis-complete');

    // A reload replays the finished job from the log, over a new socket.
    await page.reload();
    await page.waitForFunction(() => document.getElementById('status').textContent === 'completed', null, { timeout: 20_000 });
    assert.equal(await page.textContent('#analysis strong'), 'level');
    assert.deepEqual(problems, []);
  });
});
