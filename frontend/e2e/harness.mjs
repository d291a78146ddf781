// Shared helpers for the end-to-end tests: start `wails dev` on a port of its
// own with a fresh data directory, and drive Debian's Chromium with
// playwright-core.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

export const root = resolve(import.meta.dirname, '..', '..');
export const shots = join(root, 'test-output', 'screenshots');
mkdirSync(shots, { recursive: true });

export function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
    srv.on('error', fail);
  });
}

/** message reads one plain message of a language from locales/. */
export function message(lang, id) {
  const text = readFileSync(join(root, 'locales', `${lang}.toml`), 'utf8');
  const line = text.split('\n').find((l) => l.startsWith(`"${id}" = `));
  if (!line) throw new Error(`${id} missing from ${lang}.toml`);
  return JSON.parse(line.slice(line.indexOf('= ') + 2));
}

/**
 * startDev runs `wails dev` with its own port and data directory. prepare
 * may fill the data directory first; env adds variables for the app.
 */
export async function startDev({ prepare, env = {} } = {}) {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'admin-console-e2e-'));
  if (prepare) await prepare(dataDir);
  const wails = join(root, '.bin', 'wails');
  const child = spawn(
    wails,
    ['dev', '-tags', 'webkit2_41', '-devserver', `127.0.0.1:${port}`, '-skipbindings', '-nocolour', '-noreload', '-m', '-nosyncgomod'],
    { cwd: root, detached: true, env: { ...process.env, ...env, ADMIN_CONSOLE_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 8 * 60_000; // the first compile is slow
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wails dev exited:\n${log}`);
    try {
      const res = await fetch(url);
      if (res.ok && log.includes('Using DevServer URL')) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`wails dev did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  return {
    url,
    dataDir,
    log: () => log,
    stop: () => {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--font-render-hinting=none'],
  });
}

let failures = 0;
let passes = 0;

/** step runs one named check, recording a pass or a failure. */
export async function step(name, fn) {
  try {
    await fn();
    passes++;
    console.log(`ok   ${name}`);
  } catch (err) {
    failures++;
    console.log(`FAIL ${name}\n     ${String(err?.stack ?? err).split('\n').slice(0, 6).join('\n     ')}`);
    throw err;
  }
}

export function summary() {
  console.log(`${passes} passed, ${failures} failed`);
  return failures === 0 && passes > 0;
}

export function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

/** cli runs the production binary's admin commands against a data directory. */
export function cli(dataDir, ...args) {
  const bin = join(root, 'build', 'bin', 'admin-console');
  const out = spawnSync(bin, ['--data-dir', dataDir, ...args], { encoding: 'utf8', env: { ...process.env, ADMIN_CONSOLE_DEMO_NO_WINDOW: '1' } });
  if (out.status !== 0) throw new Error(`admin-console ${args.join(' ')}: ${out.stdout}${out.stderr}`);
  return out.stdout;
}

/** sql runs one query on a data directory's database with the sqlite3 CLI. */
export function sql(dataDir, query) {
  const out = spawnSync('sqlite3', [join(dataDir, 'admin-console.db'), query], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`sqlite3: ${out.stderr}`);
  return out.stdout.trim();
}

/** fillSignUp fills the onboarding form for who ({ email, first, last, password }) and submits it. */
export async function fillSignUp(page, who) {
  await page.locator('#email').fill(who.email);
  await page.locator('#firstName').fill(who.first);
  await page.locator('#lastName').fill(who.last);
  await page.locator('#password').fill(who.password);
  await page.getByRole('button', { name: message('en', 'onboarding.submit') }).click();
}

/**
 * finish ends a run: on failure a full-page screenshot (failure-<name>.png)
 * and the tail of the `wails dev` log; then the browser and `wails dev` stop
 * and the process exits with the summary's verdict.
 */
export async function finish(name, { ok, page, browser, dev }) {
  if (!ok) {
    await page?.screenshot({ path: join(shots, `failure-${name}.png`), fullPage: true }).catch(() => undefined);
    console.log('--- wails dev log (tail) ---\n' + dev.log().split('\n').slice(-40).join('\n'));
  }
  await browser.close();
  dev.stop();
  process.exit(summary() && ok ? 0 : 1);
}
