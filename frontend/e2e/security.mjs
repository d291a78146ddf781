// End to end in Chromium against `wails dev`: an Owner turns on two-step
// verification (the test computes codes from the setup key shown, as an
// authenticator app would), saves the recovery codes through the save
// dialog, signs in again with a code, then once with a recovery code, and
// fails with that same recovery code the second time. Then the Owner
// requires two-step verification for the organization. Screenshots in
// English and Arabic.
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assert, cli, fillSignUp, finish, launchBrowser, message, shots, sql, startDev, step } from './harness.mjs';

const owner = { email: 'sam.secure@example.com', first: 'Sam', last: 'Secure', password: 'two steps are better than one' };
const saveDir = mkdtempSync(join(tmpdir(), 'admin-console-saves-'));

/** RFC 4648 base32 without padding, as the setup key is shown (spaces ignored). */
function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of text.replace(/\s+/g, '').toUpperCase()) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** totp is RFC 6238 with SHA-1, six digits and 30-second steps, at step offset d from now. */
function totp(secret, d = 0) {
  const step = BigInt(Math.floor(Date.now() / 1000 / 30) + d);
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(step);
  const h = createHmac('sha1', base32(secret)).update(msg).digest();
  const o = h[h.length - 1] & 0xf;
  const n = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(n % 1_000_000).padStart(6, '0');
}

// RFC 6238's own vector, so a wrong generator fails here and not as a
// confusing "code not valid" later.
{
  const seed = Buffer.from('12345678901234567890').toString('hex');
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(1n); // T = 59 s
  const h = createHmac('sha1', Buffer.from(seed, 'hex')).update(msg).digest();
  const o = h[h.length - 1] & 0xf;
  const n = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  assert(String(n % 1e8).padStart(8, '0') === '94287082', 'TOTP generator fails the RFC 6238 vector');
}

const dev = await startDev({ env: { ADMIN_CONSOLE_TEST_SAVE_DIR: saveDir } });
const browser = await launchBrowser();
let ok = false;
let page;
try {
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  page.setDefaultTimeout(15_000);
  page.on('console', (m) => m.type() === 'error' && console.log(`console: ${m.text()}`));
  // (Wails' own browser IPC script throws once at start outside a webview: not ours.)
  page.on('pageerror', (e) => !String(e.stack).includes('/wails/ipc.js') && console.log(`page error: ${e.message}`));
  const heading = (lang, id) => page.getByRole('heading', { level: 1, name: message(lang, id) });
  const nav = (section) => page.locator(`#nav-${section}`).click();
  const signOut = () => page.getByRole('button', { name: message('en', 'nav.sign_out'), exact: true }).click();
  async function password() {
    await heading('en', 'signin.title').waitFor();
    await page.locator('#email').fill(owner.email);
    await page.locator('#password').fill(owner.password);
    await page.getByRole('button', { name: message('en', 'signin.submit') }).click();
    await heading('en', 'signin.mfa.title').waitFor();
  }
  async function second(code) {
    await page.locator('#signin-code').fill(code);
    await page.locator('#signin-verify').click();
  }

  await page.goto(dev.url);
  await step('the Owner signs up', async () => {
    await heading('en', 'onboarding.title').waitFor();
    await fillSignUp(page, owner);
    await heading('en', 'account.title').waitFor();
    cli(dev.dataDir, 'set-plan', owner.email, 'team', 'scale');
    await page.reload();
    await heading('en', 'account.title').waitFor();
  });

  let secret = '';
  let codes = [];
  await step('turns on two-step verification with the QR code and a computed code', async () => {
    await page.locator('#mfa-set-up').click();
    await page.locator('#mfa-secret').waitFor();
    assert(await page.locator('.qr img').evaluate((img) => img.complete && img.naturalWidth >= 200), 'the QR code image did not load');
    secret = await page.locator('#mfa-secret').inputValue();
    assert(/^[A-Z2-7 ]{32,}$/.test(secret), `setup key ${secret}`);
    await page.screenshot({ path: join(shots, 'mfa-setup-en.png') });
    await page.locator('#mfa-code').fill(totp(secret));
    await page.locator('#mfa-confirm').click();
    await page.locator('#recovery-codes li').first().waitFor();
    codes = await page.locator('#recovery-codes li').allInnerTexts();
    assert(codes.length === 10 && codes.every((c) => /^[a-z0-9]{5}-[a-z0-9]{5}$/.test(c)), `codes ${codes}`);
    await page.screenshot({ path: join(shots, 'mfa-recovery-codes-en.png') });
  });

  await step('saves the recovery codes through the save dialog', async () => {
    await page.locator('#save-recovery-codes').click();
    const file = join(saveDir, 'admin-console-recovery-codes.txt');
    await page.getByText(message('en', 'mfa.codes.saved').replace('{{.Path}}', file)).waitFor();
    assert(existsSync(file), 'no recovery-codes file');
    const text = readFileSync(file, 'utf8');
    assert(codes.every((c) => text.includes(c)), 'the file lacks a code');
    await page.locator('#recovery-codes-done').click();
    await page.getByText(message('en', 'mfa.status.on'), { exact: true }).waitFor();
  });

  await step('the database holds neither the setup key nor a recovery code', async () => {
    const dump = sql(dev.dataDir, `SELECT hex(mfa_secret) FROM users`) + sql(dev.dataDir, `SELECT hex(code_hash) FROM recovery_codes`);
    assert(dump.length > 0, 'nothing stored');
    const raw = base32(secret).toString('hex').toUpperCase();
    assert(!dump.includes(raw), 'the TOTP secret is stored in the clear');
  });

  await step('signs in again with a code from the app', async () => {
    await signOut();
    await password();
    // The enrolment spent this step's code: the next one is within tolerance.
    await second(totp(secret, 1));
    await heading('en', 'account.title').waitFor();
  });

  await step('signs in once with a recovery code; the same code fails the second time', async () => {
    await signOut();
    await password();
    await second(codes[0]);
    await heading('en', 'account.title').waitFor();
    await page.locator('#codes-left', { hasText: /\b9\b/ }).waitFor();
    await signOut();
    await password();
    await second(codes[0]);
    await page.locator('#signin-code-error').getByText(message('en', 'error.mfa.code_invalid')).waitFor();
    await page.screenshot({ path: join(shots, 'mfa-signin-reused-code-en.png') });
    const failures = sql(dev.dataDir, `SELECT COUNT(*) FROM audit_events WHERE action = 'user.mfa_failed'`);
    assert(failures === '1', `user.mfa_failed events: ${failures}`);
  });

  await step('the sign-in code step and the security cards in Arabic', async () => {
    await page.locator('#auth-language').selectOption('ar');
    await heading('ar', 'signin.mfa.title').waitFor();
    await page.screenshot({ path: join(shots, 'mfa-signin-ar.png') });
    await second(codes[1]);
    // Signed in, the window follows the account's language: switch it too.
    await heading('en', 'account.title').waitFor();
    await page.locator('#account-language').selectOption('ar');
    await heading('ar', 'account.title').waitFor();
    await page.locator('#sessions-card tbody tr').first().waitFor();
    await page.locator('#mfa-card').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: join(shots, 'account-security-ar.png') });
    await page.locator('#account-language').selectOption('en');
    await heading('en', 'account.title').waitFor();
  });

  await step('the Owner requires two-step verification for every member', async () => {
    await nav('organization');
    await page.locator('#policy-on').click();
    await page.getByText(message('en', 'policy.mfa.turned_on')).waitFor();
    assert(sql(dev.dataDir, `SELECT require_mfa FROM organizations`) === '1', 'policy not stored');
    await page.locator('#mfa-policy').screenshot({ path: join(shots, 'mfa-policy-en.png') });
    const events = sql(dev.dataDir, `SELECT group_concat(action, ' ') FROM audit_events WHERE action LIKE 'mfa.%' OR action LIKE 'organization.mfa%'`);
    for (const a of ['mfa.enabled', 'mfa.recovery_code_used', 'organization.mfa_policy_changed']) assert(events.includes(a), `no ${a} in ${events}`);
  });
  ok = true;
} catch {
  // step() has printed what failed.
} finally {
  await finish('security', { ok, page, browser, dev });
}
