// End to end in Chromium against `wails dev`, on the demo organization
// (Enterprise): the Owner reads the audit log, filters it by action and by
// person, opens an event's details, shows the details column, exports CSV
// and JSONL through the save dialog, verifies the chain, is refused a
// retention of 0 days and sets 400; the screen in German and Arabic.
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assert, cli, finish, launchBrowser, message, shots, sql, startDev, step, summary } from './harness.mjs';

const owner = { email: 'camille.martin@example.com', password: 'try every screen 2026' };
const saveDir = mkdtempSync(join(tmpdir(), 'admin-console-saves-'));

const dev = await startDev({
  env: { ADMIN_CONSOLE_TEST_SAVE_DIR: saveDir },
  prepare: (dataDir) => cli(dataDir, 'demo'),
});
const browser = await launchBrowser();
let ok = false;
let page;
const waitFile = async (suffix) => {
  let file = '';
  for (let i = 0; i < 100 && !file; i++) {
    file = readdirSync(saveDir).find((f) => f.endsWith(suffix)) ?? '';
    if (!file) await new Promise((r) => setTimeout(r, 200));
  }
  assert(file && existsSync(join(saveDir, file)), `no saved ${suffix}`);
  return readFileSync(join(saveDir, file), 'utf8');
};
try {
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  page.setDefaultTimeout(20_000);
  const heading = (lang, id) => page.getByRole('heading', { level: 1, name: message(lang, id) });
  const nav = (section) => page.locator(`#nav-${section}`).click();
  const rows = () => page.locator('table.audit > tbody > tr:not(.detail-row)');
  const orgId = sql(dev.dataDir, `SELECT m.org_id FROM org_members m JOIN users u ON u.id = m.user_id WHERE u.email = '${owner.email}'`);
  const orgEvents = () => Number(sql(dev.dataDir, `SELECT COUNT(*) FROM audit_events WHERE org_id = '${orgId}'`));

  await page.goto(dev.url);
  await step('the Owner signs in and opens the audit log', async () => {
    await page.locator('#email').fill(owner.email);
    await page.locator('#password').fill(owner.password);
    await page.getByRole('button', { name: message('en', 'signin.submit') }).click();
    await page.locator('#account-language').waitFor();
    await page.locator('#account-language').selectOption('en');
    await heading('en', 'account.title').waitFor();
    await nav('data');
    await page.locator('#data-tab-audit').click();
    await page.getByRole('heading', { level: 2, name: message('en', 'audit.title') }).waitFor();
    await rows().first().waitFor();
    const n = orgEvents();
    assert(n > 50, `${n} events in the demo organization`);
    assert((await rows().count()) === 50, 'a page of 50 events');
    await page.screenshot({ path: join(shots, 'audit-en.png') });
  });

  await step('pages with the cursor', async () => {
    await page.getByRole('button', { name: message('en', 'audit.older') }).click();
    await page.locator('#data-tab-panel > div:not([hidden])').getByText(message('en', 'audit.page').replace('{{.Page}}', '2')).waitFor();
    await page.getByRole('button', { name: message('en', 'audit.newer') }).click();
    await page.locator('#data-tab-panel > div:not([hidden])').getByText(message('en', 'audit.page').replace('{{.Page}}', '1')).waitFor();
  });

  await step('filters by action and by person', async () => {
    const joined = Number(sql(dev.dataDir, `SELECT COUNT(*) FROM audit_events WHERE org_id = '${orgId}' AND action = 'member.joined'`));
    assert(joined > 0, 'no member.joined events');
    await page.locator('#audit-action').selectOption('member.joined');
    await page.waitForFunction((n) => document.querySelectorAll('table.audit > tbody > tr').length === n, Math.min(joined, 50));
    const label = await rows().first().locator('td.action').textContent();
    assert(label.trim() === message('en', 'audit.action.member.joined'), `action shown as ${label}`);
    await page.locator('#audit-action').selectOption('');
    await page.locator('#audit-actor').fill('Camille');
    await page.locator('[role=option]', { hasText: owner.email }).click();
    const mine = Number(sql(dev.dataDir, `SELECT COUNT(*) FROM audit_events e JOIN users u ON u.id = e.actor_id WHERE e.org_id = '${orgId}' AND u.email = '${owner.email}'`));
    await page.waitForFunction((n) => document.querySelectorAll('table.audit > tbody > tr').length === n, Math.min(mine, 50));
    await page.getByRole('button', { name: message('en', 'audit.filter.clear') }).click();
    await page.waitForFunction(() => document.querySelectorAll('table.audit > tbody > tr').length === 50);
  });

  await step('opens an event and shows the details column', async () => {
    await rows().first().locator('td.expander button').click();
    await page.locator('tr.detail-row dl').waitFor();
    await page.locator('.columns-menu summary').click();
    await page.locator('.columns-menu label', { hasText: message('en', 'audit.col.details') }).locator('input').check();
    await page.locator('th', { hasText: message('en', 'audit.col.details') }).waitFor();
    const stored = await page.evaluate(() => localStorage.getItem('admin-console.audit.columns'));
    assert(stored?.includes('details'), `columns stored as ${stored}`);
    await page.locator('.columns-menu summary').click();
    await page.screenshot({ path: join(shots, 'audit-details-en.png') });
  });

  await step('exports CSV and JSONL of everything the filters match', async () => {
    const before = orgEvents();
    await page.getByRole('button', { name: message('en', 'audit.export.csv') }).click();
    const csv = await waitFile('.csv');
    const lines = csv.trimEnd().split('\r\n');
    assert(lines[0].startsWith('seq,id,time,actor_id,actor_name'), `header ${lines[0]}`);
    assert(lines.length - 1 === before, `${lines.length - 1} CSV rows, want ${before}`);
    await page.locator('.outcome .notice.success').waitFor();
    await page.getByRole('button', { name: message('en', 'audit.export.jsonl') }).click();
    const jsonl = await waitFile('.jsonl');
    const objs = jsonl.trim().split('\n').map((l) => JSON.parse(l));
    assert(objs.length === before + 1, `${objs.length} JSONL lines, want ${before + 1} (the CSV export is an event too)`);
    const exported = sql(dev.dataDir, `SELECT COUNT(*) FROM audit_events WHERE org_id = '${orgId}' AND action = 'audit.exported'`);
    assert(exported === '2', `${exported} audit.exported events`);
  });

  await step('verifies the chain', async () => {
    await page.getByRole('button', { name: message('en', 'audit.verify.button') }).click();
    await page.locator('.verification.ok').waitFor();
    await page.locator('.verification').screenshot({ path: join(shots, 'audit-verify-en.png') });
  });

  await step('refuses a retention of 0 days, then keeps 400', async () => {
    await page.locator('#retentionDays').fill('0');
    await page.getByRole('button', { name: message('en', 'audit.retention.save') }).click();
    await page.locator('#retentionDays-error').waitFor();
    assert(sql(dev.dataDir, `SELECT audit_retention_days FROM organizations WHERE id = '${orgId}'`) === '365', 'retention changed by 0');
    await page.locator('#retentionDays').fill('400');
    await page.getByRole('button', { name: message('en', 'audit.retention.save') }).click();
    await page.locator('section[aria-labelledby=audit-retention-title] .notice.success').waitFor();
    assert(sql(dev.dataDir, `SELECT audit_retention_days FROM organizations WHERE id = '${orgId}'`) === '400', 'retention not 400');
    await page.locator('section[aria-labelledby=audit-retention-title]').screenshot({ path: join(shots, 'audit-retention-en.png') });
  });

  for (const lang of ['de', 'ar']) {
    await step(`the screen in ${lang}`, async () => {
      await nav('account');
      await page.locator('#account-language').selectOption(lang);
      await heading(lang, 'account.title').waitFor();
      await nav('data');
      await page.locator('#data-tab-audit').click();
      await rows().first().waitFor();
      assert((await page.evaluate(() => document.documentElement.dir)) === (lang === 'ar' ? 'rtl' : 'ltr'), 'direction');
      await page.screenshot({ path: join(shots, `audit-${lang}.png`) });
      await rows().nth(1).locator('td.expander button').click();
      await page.locator('table.audit').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(shots, `audit-table-${lang}.png`) });
      // Nothing of the table spills out of the page.
      const overflow = await page.evaluate(() => {
        const card = document.querySelector('section[aria-labelledby=audit-title]');
        return card ? card.scrollWidth - card.clientWidth : -1;
      });
      assert(overflow <= 1, `the audit card overflows by ${overflow}px in ${lang}`);
    });
  }
  await nav('account');
  await page.locator('#account-language').selectOption('en');
  ok = true;
} catch {
  // step() has printed what failed.
} finally {
  await finish('audit', { ok, page, browser, dev });
}
