// End to end in Chromium against `wails dev`: an Owner opts the organization
// out of improvement data, files a Zero Data Retention request, sees the
// operator approve it (through `admin-console zdr approve`), finds Data
// Capture locked for that workspace, then filters the audit log and exports
// it (the CSV file holds exactly the filtered events) and verifies its
// integrity. Screenshots in English and Arabic.
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assert, cli, fillSignUp, finish, launchBrowser, message, shots, sql, startDev, step } from './harness.mjs';

const owner = { email: 'pia.privacy@example.com', first: 'Pia', last: 'Privacy', password: 'private by default, always' };
const saveDir = mkdtempSync(join(tmpdir(), 'admin-console-saves-'));
const note = 'Approved for the healthcare pilot';

const dev = await startDev({ env: { ADMIN_CONSOLE_TEST_SAVE_DIR: saveDir } });
const browser = await launchBrowser();
let ok = false;
let page;
try {
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => !String(e.stack).includes('/wails/ipc.js') && console.log(`page error: ${e.message}`));
  const heading = (lang, id) => page.getByRole('heading', { level: 1, name: message(lang, id) });
  const nav = (section) => page.locator(`#nav-${section}`).click();

  await page.goto(dev.url);
  await step('the Owner signs up on Free (contributing improvement data by default)', async () => {
    await heading('en', 'onboarding.title').waitFor();
    await fillSignUp(page, owner);
    await heading('en', 'account.title').waitFor();
  });

  await step('opts out of improvement data and sees who changed it', async () => {
    await nav('privacy');
    const toggle = page.locator('#improvement-opt-out');
    await toggle.waitFor();
    assert(!(await toggle.isChecked()), 'Free starts opted in');
    await toggle.check();
    await page.locator('#improvement-state', { hasText: `${owner.first} ${owner.last}` }).waitFor();
    assert(sql(dev.dataDir, 'SELECT improvement_opt_out FROM organizations') === '1', 'opt-out not stored');
  });

  await step('moves to Team + Scale (Data Capture and audit logs) and files a ZDR request', async () => {
    cli(dev.dataDir, 'set-plan', owner.email, 'team', 'scale');
    await page.reload();
    await heading('en', 'account.title').waitFor();
    await nav('privacy');
    await page.locator('#zdr-reason').fill('Patient conversations must never be stored by the platform.');
    await page.locator('#zdr-contact').fill('dpo@example.com');
    await page.locator('#zdr input[type=checkbox]').first().check();
    await page.locator('#zdr-submit').click();
    await page.getByText(message('en', 'privacy.zdr.status.requested'), { exact: true }).first().waitFor();
    await page.screenshot({ path: join(shots, 'privacy-requested-en.png'), fullPage: true });
  });

  await step('the operator approves it with a note; the organization sees the decision', async () => {
    const id = sql(dev.dataDir, `SELECT id FROM zdr_requests WHERE status = 'requested'`);
    assert(cli(dev.dataDir, 'zdr', 'list').includes(id), 'zdr list does not show the request');
    cli(dev.dataDir, 'zdr', 'approve', id, '--note', note);
    await page.reload();
    await heading('en', 'account.title').waitFor();
    await nav('privacy');
    await page.getByText(message('en', 'privacy.zdr.status.approved'), { exact: true }).first().waitFor();
    await page.getByText(note).waitFor();
    await page.locator('#zdr-endpoints').waitFor();
    await page.screenshot({ path: join(shots, 'privacy-approved-en.png'), fullPage: true });
  });

  await step('Data Capture is locked for the workspace under ZDR', async () => {
    const ws = sql(dev.dataDir, `SELECT workspace_id FROM zdr_request_workspaces`);
    await nav('data');
    await page.locator(`#capture-${ws}-lock`).waitFor();
    const sw = page.locator(`#capture-${ws} input[role=switch], [id="capture-${ws}-days"]`).first();
    await sw.waitFor();
    const locked = page.locator('input[role=switch][aria-describedby$="-lock"]').first();
    assert(await locked.isDisabled(), 'the capture switch can be turned on under ZDR');
    await page.screenshot({ path: join(shots, 'capture-locked-en.png') });
  });

  await step('filters the audit log and exports exactly the filtered events as CSV', async () => {
    await page.locator('#data-tab-audit').click();
    await page.locator('#audit-action').waitFor();
    await page.locator('#audit-action').selectOption('privacy.improvement_changed');
    await page.locator('table tbody tr').first().waitFor();
    await page.waitForFunction(() => document.querySelectorAll('table tbody tr').length === 1);
    await page.screenshot({ path: join(shots, 'audit-filtered-en.png') });
    await page.getByRole('button', { name: message('en', 'audit.export.csv') }).click();
    await page.locator('.outcome .notice.success').waitFor();
    const files = readdirSync(saveDir).filter((f) => f.endsWith('.csv'));
    assert(files.length === 1, `saved files: ${files}`);
    const lines = readFileSync(join(saveDir, files[0]), 'utf8').trim().split(/\r?\n/);
    assert(lines.length === 2, `CSV has ${lines.length - 1} events, want 1:\n${lines.join('\n')}`);
    assert(lines[1].includes('privacy.improvement_changed'), `CSV row: ${lines[1]}`);
    const want = sql(dev.dataDir, `SELECT COUNT(*) FROM audit_events WHERE action = 'privacy.improvement_changed'`);
    assert(want === '1', `database has ${want} such events`);
  });

  await step('verifies the audit log integrity', async () => {
    await page.getByRole('button', { name: message('en', 'audit.verify.button') }).click();
    // audit.verify.ok: "The audit log is intact: N events checked, …"
    await page.getByText(/The audit log is intact/).waitFor();
  });

  await step('the Privacy screen and the audit log in Arabic', async () => {
    await nav('account');
    await page.locator('#account-language').selectOption('ar');
    await heading('ar', 'account.title').waitFor();
    await nav('privacy');
    await page.locator('#zdr-endpoints').waitFor();
    await page.screenshot({ path: join(shots, 'privacy-ar.png') });
    await nav('data');
    await page.locator('#data-tab-audit').click();
    await page.locator('table tbody tr').first().waitFor();
    await page.screenshot({ path: join(shots, 'audit-log-ar.png') });
    await nav('account');
    await page.locator('#account-language').selectOption('en');
    await heading('en', 'account.title').waitFor();
  });
  ok = true;
} catch {
  // step() has printed what failed.
} finally {
  await finish('privacy', { ok, page, browser, dev });
}
