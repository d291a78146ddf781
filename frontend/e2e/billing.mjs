// End to end in Chromium against `wails dev`, on the demo organization: a
// Billing member edits the billing details, reads the usage chart, downloads
// an invoice (a real PDF file), sets the organization's spending limit and
// sees the 80 % alert once usage past it is imported.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assert, cli, finish, launchBrowser, message, shots, sql, startDev, step } from './harness.mjs';

const billingMember = { email: 'lucia.3@nimbus.example', password: 'a demo member password' };
const saveDir = mkdtempSync(join(tmpdir(), 'admin-console-saves-'));
const usageFile = join(mkdtempSync(join(tmpdir(), 'admin-console-usage-')), 'gateway-export.jsonl');

// Usage worth as much again as this month's so far, so that a limit set at
// (spent + imported) / 0.85 sits below 80 % before the import and above it after.
let limitMinor = 0;
const dev = await startDev({
  env: { ADMIN_CONSOLE_TEST_SAVE_DIR: saveDir, ADMIN_CONSOLE_TEST_OPEN_FILE: usageFile },
  prepare: (dataDir) => {
    cli(dataDir, 'demo');
    const spentMicros = Number(sql(dataDir, `SELECT COALESCE(SUM(cost_micros), 0) FROM usage_records WHERE at >= strftime('%Y-%m-01T00:00:00', 'now')`));
    const ws = sql(dataDir, `SELECT id FROM workspaces WHERE name = 'Research'`);
    const addMinor = Math.max(Math.round(spentMicros / 1e6), 50_000); // at least 500.00 €
    const tokens = Math.round((addMinor * 1e6) / 180); // large-2 input: 1.80 € per million
    writeFileSync(usageFile, JSON.stringify({ id: 'e2e-1', time: new Date().toISOString(), workspace_id: ws, model: 'large-2',
      input_tokens: tokens, output_tokens: 0, requests: 1 }) + '\n');
    limitMinor = Math.ceil((Math.round(spentMicros / 1e6) + addMinor) / 0.85);
  },
});
const browser = await launchBrowser();
let ok = false;
let page;
try {
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  page.setDefaultTimeout(20_000);
  const heading = (lang, id) => page.getByRole('heading', { level: 1, name: message(lang, id) });
  const nav = (section) => page.locator(`#nav-${section}`).click();

  await page.goto(dev.url);
  await step('the Billing member signs in', async () => {
    await page.locator('#email').fill(billingMember.email);
    await page.locator('#password').fill(billingMember.password);
    await page.getByRole('button', { name: message('en', 'signin.submit') }).click();
    await page.locator('#account-language').waitFor();
    await page.locator('#account-language').selectOption('en');
    await heading('en', 'account.title').waitFor();
  });

  await step('edits the billing details', async () => {
    await nav('organization');
    await page.locator('#org-tab-billing').click();
    await page.locator('#billingLegalName').fill('Nimbus Analytics SAS (Paris)');
    await page.locator('#billingTaxId').fill('FR 41 303 265 045'); // a wrong check digit first
    await page.getByRole('button', { name: message('en', 'common.save') }).click();
    await page.locator('#billingTaxId-error').waitFor();
    await page.locator('#billingTaxId').fill('FR 40 303 265 045');
    await page.getByRole('button', { name: message('en', 'common.save') }).click();
    await page.getByText(message('en', 'billing.saved')).waitFor();
    await page.screenshot({ path: join(shots, 'billing-details-en.png') });
  });

  await step('reads the usage chart', async () => {
    await nav('subscriptions');
    await page.locator('#subs-tab-usage').click();
    await page.locator('svg.plot rect').first().waitFor();
    const bars = await page.locator('svg.plot rect').count();
    assert(bars > 10, `${bars} bars in the chart`);
    await page.screenshot({ path: join(shots, 'usage-chart-en.png') });
  });

  await step('downloads an invoice: the file is a PDF', async () => {
    await nav('organization');
    await page.locator('#org-tab-invoices').click();
    await page.locator('button', { hasText: message('en', 'invoices.download') }).first().click();
    const number = sql(dev.dataDir, `SELECT number FROM invoices ORDER BY issued_at DESC LIMIT 1`);
    const file = join(saveDir, `${number}.pdf`);
    for (let i = 0; i < 50 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 200));
    assert(existsSync(file), `no ${file}`);
    assert(readFileSync(file).subarray(0, 5).toString() === '%PDF-', 'not a PDF');
    await page.screenshot({ path: join(shots, 'invoices-en.png') });
  });

  await step('sets the spending limit, then sees the 80 % alert after an import', async () => {
    await nav('subscriptions');
    await page.locator('#subs-tab-spend').click();
    await page.locator('#org-spend').fill((limitMinor / 100).toFixed(2));
    await page.getByRole('button', { name: message('en', 'common.save') }).click();
    await page.getByText(message('en', 'spend.saved')).waitFor();
    assert((await page.locator('.badge', { hasText: '80' }).count()) === 0, 'an 80 % alert before the import');
    await page.locator('#subs-tab-usage').click();
    await page.getByRole('button', { name: message('en', 'usage.import') }).click();
    await page.locator('[role=status]', { hasText: '1' }).first().waitFor();
    await page.locator('#subs-tab-spend').click();
    await page.reload();
    await nav('subscriptions');
    await page.locator('#subs-tab-spend').click();
    await page.locator('.badge', { hasText: '80' }).first().waitFor();
    await page.screenshot({ path: join(shots, 'spend-alerts-en.png') });
  });

  await step('the same screens in Arabic', async () => {
    await nav('account');
    await page.locator('#account-language').selectOption('ar');
    await heading('ar', 'account.title').waitFor();
    await nav('subscriptions');
    await page.locator('#subs-tab-usage').click();
    await page.locator('svg.plot rect').first().waitFor();
    await page.screenshot({ path: join(shots, 'usage-chart-ar.png') });
    await nav('organization');
    await page.locator('#org-tab-invoices').click();
    await page.locator('table tbody tr').first().waitFor();
    await page.screenshot({ path: join(shots, 'invoices-ar.png') });
    await nav('account');
    await page.locator('#account-language').selectOption('en');
  });
  ok = true;
} catch {
  // step() has printed what failed.
} finally {
  await finish('billing', { ok, page, browser, dev });
}
