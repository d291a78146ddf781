// End to end in Chromium against `wails dev`, on the demo organization
// (Enterprise, Data Capture on in Customer support with 300 calls): the
// Owner browses the captured calls, filters them, opens one, turns capture on
// elsewhere, runs an export job to completion and saves its JSONL through the
// save dialog; the screen in Arabic.
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assert, cli, finish, launchBrowser, message, shots, sql, startDev, step } from './harness.mjs';

const owner = { email: 'camille.martin@example.com', password: 'try every screen 2026' };
const saveDir = mkdtempSync(join(tmpdir(), 'admin-console-saves-'));

const dev = await startDev({
  env: { ADMIN_CONSOLE_TEST_SAVE_DIR: saveDir },
  prepare: (dataDir) => cli(dataDir, 'demo'),
});
const browser = await launchBrowser();
let ok = false;
let page;
try {
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  page.setDefaultTimeout(20_000);
  const heading = (lang, id) => page.getByRole('heading', { level: 1, name: message(lang, id) });
  const nav = (section) => page.locator(`#nav-${section}`).click();
  const captured = Number(sql(dev.dataDir, 'SELECT COUNT(*) FROM captured_calls'));

  await page.goto(dev.url);
  await step('the Owner signs in and opens Data Capture', async () => {
    await page.locator('#email').fill(owner.email);
    await page.locator('#password').fill(owner.password);
    await page.getByRole('button', { name: message('en', 'signin.submit') }).click();
    await page.locator('#account-language').waitFor();
    await page.locator('#account-language').selectOption('en');
    await heading('en', 'account.title').waitFor();
    await nav('data');
    await page.getByRole('heading', { level: 2, name: message('en', 'capture.settings.title') }).waitFor();
    await page.locator('table tbody tr').first().waitFor();
    assert(captured === 300, `${captured} captured calls in the demo`);
    assert((await page.locator('table tbody tr').count()) === 50, 'a page of 50 calls');
    await page.screenshot({ path: join(shots, 'capture-en.png') });
    await page.locator('section[aria-labelledby=capture-calls-title]').screenshot({ path: join(shots, 'capture-calls-en.png') });
  });

  await step('filters by status and pages with the cursor', async () => {
    await page.locator('#calls-status').selectOption('5xx');
    const errors = Number(sql(dev.dataDir, 'SELECT COUNT(*) FROM captured_calls WHERE status >= 500'));
    await page.waitForFunction((n) => document.querySelectorAll('table tbody tr').length === n, errors);
    await page.locator('#calls-status').selectOption('');
    await page.waitForFunction(() => document.querySelectorAll('table tbody tr').length === 50);
    await page.getByRole('button', { name: message('en', 'capture.calls.older') }).click();
    await page.getByText(message('en', 'capture.calls.page').replace('{{.Page}}', '2')).waitFor();
  });

  await step('opens a call: request and response as JSON', async () => {
    await page.locator('table tbody tr td.when button').first().click();
    const pre = page.locator('dialog.call-detail pre').first();
    await pre.waitFor();
    const text = await pre.textContent();
    assert(text.includes('"messages": ['), `request shown as ${text.slice(0, 80)}`);
    assert((await pre.getAttribute('dir')) === 'ltr', 'request not left to right');
    await page.screenshot({ path: join(shots, 'capture-detail-en.png') });
    await page.getByRole('button', { name: message('en', 'capture.detail.close') }).click();
  });

  await step('turns capture on in another workspace, with a retention', async () => {
    const ws = sql(dev.dataDir, `SELECT id FROM workspaces WHERE name = 'Marketing'`);
    assert(ws, 'no Marketing workspace');
    await page.locator(`#capture-${ws}-days`).fill('45');
    await page.locator(`#capture-${ws}-days`).press('Enter');
    await page.locator('li.row', { has: page.locator(`#capture-${ws}-days`) }).locator('input[role=switch]').click(); // the switch shows the stored state until Go answers: wait below, do not check() now
    await page.waitForFunction(
      () => [...document.querySelectorAll('li.row input[role=switch]')].filter((i) => i.checked).length === 2,
    );
    const stored = sql(dev.dataDir, `SELECT enabled || '/' || retention_days FROM capture_settings WHERE workspace_id = '${ws}'`);
    assert(stored === '1/45', `stored ${stored}`);
  });

  await step('runs an export job to completion and saves its JSONL', async () => {
    await page.locator('.export-form .checks label', { hasText: 'Customer support' }).locator('input').check();
    const to = await page.locator('#export-to').inputValue();
    const from = new Date(to);
    from.setDate(from.getDate() - 20);
    await page.locator('#export-from').fill(from.toISOString().slice(0, 10));
    await page.getByRole('button', { name: message('en', 'capture.exports.start') }).click();
    const save = page.getByRole('button', { name: message('en', 'capture.job.save') }).first();
    await save.waitFor();
    await page.locator('section[aria-labelledby=capture-exports-title]').screenshot({ path: join(shots, 'capture-export-en.png') });
    await save.click();
    // Go answers once the file is in place and its download recorded.
    await page.getByText(message('en', 'capture.job.saved').split('{{')[0].trim()).first().waitFor();
    const file = readdirSync(saveDir).find((f) => f.endsWith('.jsonl')) ?? '';
    assert(file && existsSync(join(saveDir, file)), 'no saved JSONL');
    const lines = readFileSync(join(saveDir, file), 'utf8').trim().split('\n');
    assert(lines.length === captured, `${lines.length} lines, want ${captured}`);
    const first = JSON.parse(lines[0]);
    assert(first.id?.startsWith('demo-call-') && first.request?.messages, `first line ${lines[0].slice(0, 120)}`);
    const events = sql(dev.dataDir, `SELECT group_concat(action, ' ') FROM (SELECT action FROM audit_events WHERE action LIKE 'capture.export%' ORDER BY seq)`);
    assert(events === 'capture.export_created capture.export_started capture.export_completed capture.export_downloaded', events);
  });

  await step('the screen in Arabic', async () => {
    await nav('account');
    await page.locator('#account-language').selectOption('ar');
    await heading('ar', 'account.title').waitFor();
    await nav('data');
    await page.locator('table tbody tr').first().waitFor();
    assert((await page.evaluate(() => document.documentElement.dir)) === 'rtl', 'not right to left');
    await page.screenshot({ path: join(shots, 'capture-ar.png') });
    await page.locator('section[aria-labelledby=capture-calls-title] table').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'capture-calls-ar.png') });
    await page.locator('section[aria-labelledby=capture-exports-title] .jobs').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'capture-export-ar.png') });
    await nav('account');
    await page.locator('#account-language').selectOption('en');
  });
  ok = true;
} catch {
  // step() has printed what failed.
} finally {
  await finish('capture', { ok, page, browser, dev });
}
