// What the browser tests stand on: the real functions service (the jar the Maven build made) as a
// child process, a runner played over the real runner API, Debian's Chromium, and test photos
// made here from their own pixels.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const WEB = join(dirname(fileURLToPath(import.meta.url)), '..');
export const RUNNER_TOKEN = 'runner-token-for-browser-tests';
export const ADMIN_TOKEN = 'admin-token-for-browser-tests';
export const SCREENSHOTS = join(WEB, 'target', 'screenshots');

function functionsJar() {
  const target = join(WEB, '..', 'functions', 'target');
  const jar = readdirSync(target, { withFileTypes: true }).find((f) => /^mondrian-functions-.*-exec\.jar$/.test(f.name));
  if (!jar) throw new Error(`no functions jar in ${target}: build first (./mondrian test does)`);
  return join(target, jar.name);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The functions service; `kill()` is SIGKILL, `start()` again comes back on the same port and data. */
export async function startService(properties = []) {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'mondrian-web-'));
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const log = join(dataDir, 'service.log');
  let child = null;
  const service = {
    base: `http://127.0.0.1:${port}`,
    log,
    async start() {
      const out = openSync(log, 'a');
      child = spawn(java, ['--enable-native-access=ALL-UNNAMED', '-jar', functionsJar(), `--server.port=${port}`,
        '--server.address=127.0.0.1', `--mondrian.data-dir=${dataDir}`, `--mondrian.runner-token=${RUNNER_TOKEN}`,
        `--mondrian.admin-token=${ADMIN_TOKEN}`, '--mondrian.heartbeat-interval=1s', ...properties], { stdio: ['ignore', out, out] });
      const deadline = Date.now() + 90_000;
      while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}; see ${log}`);
        try {
          if ((await fetch(`${service.base}/health`)).ok) return service;
        } catch {
          // not listening yet
        }
        await sleep(100);
      }
      throw new Error(`service not healthy within 90 s; see ${log}:\n${readFileSync(log, 'utf8').slice(-2000)}`);
    },
    async kill() {
      if (!child || child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
  return service.start();
}

/**
 * The AWS deployment on loopback (functions' LocalAws test class): the page and /api/* as CloudFront serves them,
 * API Gateway's HTTP and WebSocket APIs in front of the real Lambda handlers, the management API, S3.
 */
export async function startLocalAws() {
  const functions = join(WEB, '..', 'functions');
  const classpath = [join(functions, 'target', 'test-classes'), join(functions, 'target', 'classes'),
    readFileSync(join(functions, 'target', 'test-classpath.txt'), 'utf8').trim()].join(':');
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const dir = mkdtempSync(join(tmpdir(), 'mondrian-aws-'));
  const log = join(dir, 'local-aws.log');
  const out = openSync(log, 'a');
  const child = spawn(java, ['--enable-native-access=ALL-UNNAMED', '-cp', classpath, 'dev.mondrian.functions.lambda.LocalAws',
    join(WEB, 'static'), RUNNER_TOKEN], { stdio: ['ignore', out, out] });
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`LocalAws exited with ${child.exitCode}; see ${log}`);
    const ready = /^READY (\d+)$/m.exec(readFileSync(log, 'utf8'));
    if (ready) {
      return {
        base: `http://127.0.0.1:${ready[1]}`,
        log,
        async kill() {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGKILL');
          await exited;
        },
      };
    }
    await sleep(100);
  }
  throw new Error(`LocalAws not ready within 90 s; see ${log}`);
}

/** Plays the GPU runner over the runner API, so a test decides exactly what the model "writes". */
export function scriptedRunner(base) {
  const call = async (method, path, body) => {
    const response = await fetch(base + path, {
      method,
      headers: { Authorization: `Bearer ${RUNNER_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };
  let seq = 0;
  return {
    async claim() {
      const { status, body } = await call('POST', '/api/runner/claim', { runner_id: 'browser-test', wait_ms: 20_000 });
      if (status !== 200) throw new Error(`claim answered ${status}`);
      seq = 0;
      return body;
    },
    /** A claim that only tells the service which adapters this runner holds; a job it gets is handed back. */
    async report(adapters, problems) {
      const { status, body } = await call('POST', '/api/runner/claim',
        { runner_id: 'browser-test-adapters', wait_ms: 0, adapters, adapter_problems: problems });
      if (status === 200) {
        await call('POST', `/api/runner/jobs/${body.job_id}/release`,
          { lease_id: body.lease.id, lease_epoch: body.lease.epoch, reason: 'only reporting adapters' });
      } else if (status !== 204) {
        throw new Error(`claim answered ${status}`);
      }
    },
    thinking(job, fields) {
      seq += 1;
      return call('PUT', `/api/jobs/${job.job_id}/thinking`,
        { lease_id: job.lease.id, lease_epoch: job.lease.epoch, update_seq: seq, ...fields });
    },
    fail(job, error) {
      return call('POST', `/api/runner/jobs/${job.job_id}/fail`, { lease_id: job.lease.id, lease_epoch: job.lease.epoch, error });
    },
    complete(job, analysis, tokens) {
      return call('POST', `/api/runner/jobs/${job.job_id}/complete`, {
        lease_id: job.lease.id, lease_epoch: job.lease.epoch, analysis, tokens,
        tokens_per_second: 12.5, prompt_tokens: 40, elapsed_ms: 4000,
      });
    },
  };
}

export async function launchBrowser() {
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  // No sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath, args: ['--no-sandbox'] });
}

/** A whole page, or one element of it (a Playwright locator), into target/screenshots/<name>.png. */
export async function screenshot(pageOrElement, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await ('goto' in pageOrElement ? pageOrElement.screenshot({ path, fullPage: true }) : pageOrElement.screenshot({ path }));
}

function crc32(bytes) {
  let crc = -1;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ -1) >>> 0;
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * An RGB PNG drawn pixel by pixel: a sky over a field with a sun, or (noisy) random pixels that
 * compress badly, for a file of a known large size.
 */
export function png(width, height, { noisy = false } = {}) {
  const rows = Buffer.alloc((3 * width + 1) * height);
  let i = 0;
  let seed = 7;
  for (let y = 0; y < height; y++) {
    rows[i++] = 0;
    for (let x = 0; x < width; x++) {
      let rgb;
      if (noisy) {
        // The top byte of each step of an LCG: its low bits repeat too soon to resist deflate.
        rgb = [0, 0, 0].map(() => {
          seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
          return seed >>> 24;
        });
      } else if ((x - width * 0.7) ** 2 + (y - height * 0.3) ** 2 < (height * 0.12) ** 2) {
        rgb = [250, 210, 60];
      } else {
        rgb = y < height * 0.6 ? [90, 150, 230 - y] : [60, 140 - (y % 20), 50];
      }
      rows[i++] = rgb[0];
      rows[i++] = rgb[1];
      rows[i++] = rgb[2];
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}
