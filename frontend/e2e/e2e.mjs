// End to end in Chromium against `wails dev`: onboarding, profile, every
// language (heading translated, dir rtl for Arabic only), sign out and in.
import { join } from 'node:path';
import { assert, finish, launchBrowser, message, shots, startDev, step } from './harness.mjs';

const languages = ['fr', 'de', 'es', 'pl', 'it', 'pt-BR', 'ar', 'en'];
const user = { email: 'grace@example.com', first: 'Grace', last: 'Hopper', password: 'a ship in port is safe' };

const dev = await startDev();
const browser = await launchBrowser();
let ok = false;
let page;
try {
  page = await browser.newPage({ viewport: { width: 1200, height: 820 }, locale: 'en-US' });
  page.setDefaultTimeout(15_000);
  await page.goto(dev.url);

  await step('onboarding is the first screen', async () => {
    await page.getByRole('heading', { level: 1, name: message('en', 'onboarding.title') }).waitFor();
    await page.screenshot({ path: join(shots, 'onboarding-en.png') });
  });

  await step('onboarding refuses a short password next to the field', async () => {
    await page.getByLabel(message('en', 'field.email')).fill(user.email);
    await page.getByLabel(message('en', 'field.first_name')).fill(user.first);
    await page.getByLabel(message('en', 'field.last_name')).fill(user.last);
    await page.getByLabel(message('en', 'field.password'), { exact: true }).fill('short');
    await page.getByRole('button', { name: message('en', 'onboarding.submit') }).click();
    await page.locator('#password-error').waitFor();
    const text = await page.locator('#password-error').textContent();
    assert(text.includes('12'), `error says: ${text}`);
  });

  await step('onboarding creates the account and signs in', async () => {
    await page.getByLabel(message('en', 'field.password'), { exact: true }).fill(user.password);
    await page.getByRole('button', { name: message('en', 'onboarding.submit') }).click();
    await page.getByRole('heading', { level: 1, name: message('en', 'account.title') }).waitFor();
  });

  await step('profile edit is saved', async () => {
    await page.locator('#firstName').fill('Amazing Grace');
    await page.locator('#save-profile').click();
    await page.getByText(message('en', 'profile.saved')).waitFor();
    await page.locator('.who .name', { hasText: 'Amazing Grace Hopper' }).waitFor();
  });

  await page.screenshot({ path: join(shots, 'main-en.png') });

  for (const lang of languages) {
    await step(`switch to ${lang}: heading translated, dir ${lang === 'ar' ? 'rtl' : 'ltr'}`, async () => {
      await page.locator('#account-language').selectOption(lang);
      await page.getByRole('heading', { level: 1, name: message(lang, 'account.title'), exact: true }).waitFor();
      const dir = await page.evaluate(() => document.documentElement.dir);
      const htmlLang = await page.evaluate(() => document.documentElement.lang);
      assert(dir === (lang === 'ar' ? 'rtl' : 'ltr'), `dir is ${dir} for ${lang}`);
      assert(htmlLang === lang, `lang is ${htmlLang}`);
      await page.screenshot({ path: join(shots, `main-${lang}.png`) });
    });
  }

  await step('the language holds after a reload', async () => {
    await page.locator('#account-language').selectOption('de');
    await page.getByRole('heading', { level: 1, name: message('de', 'account.title'), exact: true }).waitFor();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: message('de', 'account.title'), exact: true }).waitFor();
    await page.locator('#account-language').selectOption('en');
    await page.getByRole('heading', { level: 1, name: message('en', 'account.title'), exact: true }).waitFor();
  });

  await step('dark mode follows the OS setting', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r, g, b] = bg.match(/\d+/g).map(Number);
    assert(r + g + b < 120, `body background in dark mode is ${bg}`);
    await page.screenshot({ path: join(shots, 'main-en-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  await step('sign out leads to the sign-in screen', async () => {
    await page.getByRole('button', { name: message('en', 'nav.sign_out'), exact: true }).click();
    await page.getByRole('heading', { level: 1, name: message('en', 'signin.title') }).waitFor();
  });

  await step('a wrong password is refused without saying whether the email exists', async () => {
    await page.getByLabel(message('en', 'field.email')).fill(user.email);
    await page.getByLabel(message('en', 'field.password'), { exact: true }).fill('not the password at all');
    await page.getByRole('button', { name: message('en', 'signin.submit') }).click();
    await page.getByText(message('en', 'error.auth.invalid_credentials')).waitFor();
  });

  await step('signing in again opens the account', async () => {
    await page.getByLabel(message('en', 'field.password'), { exact: true }).fill(user.password);
    await page.getByRole('button', { name: message('en', 'signin.submit') }).click();
    await page.getByRole('heading', { level: 1, name: message('en', 'account.title') }).waitFor();
    await page.locator('.who .name', { hasText: 'Amazing Grace Hopper' }).waitFor();
  });

  await step('Arabic sign-in screen is right to left', async () => {
    await page.getByRole('button', { name: message('en', 'nav.sign_out'), exact: true }).click();
    await page.locator('#auth-language').selectOption('ar');
    await page.getByRole('heading', { level: 1, name: message('ar', 'signin.title') }).waitFor();
    assert((await page.evaluate(() => document.documentElement.dir)) === 'rtl', 'not rtl');
    await page.screenshot({ path: join(shots, 'signin-ar.png') });
    await page.locator('#auth-language').selectOption('en');
  });
  ok = true;
} catch {
  // step() has printed what failed.
} finally {
  await finish('e2e.mjs', { ok, page, browser, dev });
}
