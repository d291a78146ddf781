// End to end in Chromium against `wails dev`: an Owner on Team invites a
// member, who accepts with a second account; the Owner creates a workspace,
// adds the member, creates a key (seen once), sets limits, revokes the key;
// the Member sees only their workspace. Screenshots in English and Arabic.
import { join } from 'node:path';
import { assert, cli, fillSignUp, finish, launchBrowser, message, shots, startDev, step } from './harness.mjs';

const owner = { email: 'olivia.owner@example.com', first: 'Olivia', last: 'Owner', password: 'owners hold the keys' };
const member = { email: 'max.member@example.com', first: 'Max', last: 'Member', password: 'members work in workspaces' };

const dev = await startDev();
const browser = await launchBrowser();
let ok = false;
let page;
try {
  page = await browser.newPage({ viewport: { width: 1280, height: 860 }, locale: 'en-US' });
  page.setDefaultTimeout(15_000);
  const heading = (lang, id) => page.getByRole('heading', { level: 1, name: message(lang, id) });
  const nav = (section) => page.locator(`#nav-${section}`).click();
  const signOut = () => page.getByRole('button', { name: message('en', 'nav.sign_out'), exact: true }).click();
  async function signIn(who) {
    await page.locator('#email').fill(who.email);
    await page.locator('#password').fill(who.password);
    await page.getByRole('button', { name: message('en', 'signin.submit') }).click();
    await heading('en', 'account.title').waitFor();
  }

  await page.goto(dev.url);
  await step('the Owner signs up and is put on Team + Scale', async () => {
    await heading('en', 'onboarding.title').waitFor();
    await fillSignUp(page, owner);
    await heading('en', 'account.title').waitFor();
    cli(dev.dataDir, 'set-plan', owner.email, 'team', 'scale');
    await page.reload();
    await heading('en', 'account.title').waitFor();
  });

  let code = '';
  await step('the Owner invites a member and sees the code once', async () => {
    await nav('organization');
    await page.locator('#org-tab-invitations').click();
    await page.locator('#inviteEmails').fill(member.email);
    await page.locator('#inviteRole').selectOption('member');
    await page.getByRole('button', { name: message('en', 'invitations.submit') }).click();
    const field = page.locator('input[id^="invite-code-"]').first();
    await field.waitFor();
    code = await field.inputValue();
    assert(code.startsWith('acinv_'), `code is ${code}`);
    await page.getByText(message('en', 'invitations.state.pending')).first().waitFor();
    await page.screenshot({ path: join(shots, 'org-invitations-en.png') });
  });

  await step('the invitee creates an account with the code and joins', async () => {
    await signOut();
    await page.getByRole('button', { name: message('en', 'signin.create_account') }).click();
    await page.locator('#email').fill(member.email);
    await page.locator('#firstName').fill(member.first);
    await page.locator('#lastName').fill(member.last);
    await page.locator('#password').fill(member.password);
    await page.locator('#invited').check();
    await page.locator('#invitationToken').fill(code);
    await page.getByRole('button', { name: message('en', 'onboarding.submit') }).click();
    await heading('en', 'account.title').waitFor();
    await page.locator('.org-name', { hasText: `${owner.first} ${owner.last}` }).waitFor();
    await nav('workspaces');
    await heading('en', 'ws.none_title').waitFor();
  });

  await step('a used code is refused', async () => {
    await signOut();
    await page.getByRole('button', { name: message('en', 'signin.create_account') }).click();
    await page.locator('#email').fill('someone.else@example.com');
    await page.locator('#firstName').fill('Some');
    await page.locator('#lastName').fill('One');
    await page.locator('#password').fill('another long passphrase');
    await page.locator('#invited').check();
    await page.locator('#invitationToken').fill(code);
    await page.getByRole('button', { name: message('en', 'onboarding.submit') }).click();
    await page.getByText(message('en', 'error.invitation.used')).waitFor();
    await page.getByRole('button', { name: message('en', 'onboarding.sign_in') }).click();
  });

  await step('the Owner creates a workspace and adds the member', async () => {
    await signIn(owner);
    await page.screenshot({ path: join(shots, 'account-en.png') });
    await nav('workspaces');
    await page.getByRole('button', { name: message('en', 'ws.new') }).click();
    await page.locator('#ws-name').fill('Research');
    await page.locator('#ws-description').fill('Experiments with new models');
    await page.getByRole('button', { name: message('en', 'ws.create') }).click();
    await page.getByRole('heading', { level: 1, name: 'Research' }).waitFor();
    await page.locator('#ws-tab-members').click();
    await page.locator('#candidate-search').fill('max');
    await page.getByRole('button', { name: message('en', 'ws.members.add').replace('{{.Name}}', member.first) }).click();
    await page.locator('td', { hasText: member.email }).waitFor();
  });

  let secret = '';
  await step('the Owner creates a key and sees the secret once', async () => {
    await page.locator('#ws-tab-keys').click();
    await page.locator('#key-name').fill('CI pipeline');
    await page.locator('#key-models').fill('large-2, small-3');
    await page.getByRole('button', { name: message('en', 'keys.create') }).click();
    await page.locator('#new-key-secret').waitFor();
    secret = await page.locator('#new-key-secret').inputValue();
    assert(/^acsk_[0-9A-Za-z]{49}$/.test(secret), `secret is ${secret}`);
    await page.screenshot({ path: join(shots, 'workspace-key-once-en.png') });
    await page.getByRole('button', { name: message('en', 'keys.secret_done') }).click();
    await page.locator('td', { hasText: 'CI pipeline' }).waitFor();
    assert(!(await page.content()).includes(secret), 'the secret is still on the page');
    await page.reload();
    await nav('workspaces');
    await page.locator('#ws-tab-keys').click();
    await page.locator('td', { hasText: 'CI pipeline' }).waitFor();
    assert(!(await page.content()).includes(secret.slice(12)), 'the secret came back');
  });

  await step('limits: a value above the organization is refused with by how much', async () => {
    await page.locator('#ws-tab-limits').click();
    await page.locator('#limit-requestsPerSecond-0').fill('150');
    await page.getByRole('button', { name: message('en', 'common.save') }).click();
    await page.getByText('50 above the organization’s limit of 100').waitFor();
    await page.locator('#limit-requestsPerSecond-0').fill('20');
    await page.locator('#limit-tokensPerMinute-0').fill('100000');
    await page.locator('#monthly-spend').fill('250.50');
    await page.getByRole('button', { name: message('en', 'common.save') }).click();
    await page.getByText(message('en', 'limits.saved')).waitFor();
    await page.reload();
    await nav('workspaces');
    await page.locator('#ws-tab-limits').click();
    assert((await page.locator('#limit-requestsPerSecond-0').inputValue()) === '20', 'limit not saved');
    assert((await page.locator('#monthly-spend').inputValue()) === '250.50', 'spend not saved to the cent');
    await page.screenshot({ path: join(shots, 'workspace-limits-en.png') });
  });

  await step('the Owner revokes the key', async () => {
    await page.locator('#ws-tab-keys').click();
    await page.getByRole('button', { name: message('en', 'keys.revoke') }).first().click();
    await page.locator('#key-action').getByRole('button', { name: message('en', 'keys.revoke') }).click();
    await page.locator('.badge', { hasText: message('en', 'keys.status.revoked') }).waitFor();
    await page.screenshot({ path: join(shots, 'workspace-keys-en.png') });
  });

  await step('members list, in English and Arabic', async () => {
    await nav('organization');
    await page.locator('#org-tab-members').click();
    await page.locator('td', { hasText: member.email }).waitFor();
    await page.screenshot({ path: join(shots, 'org-members-en.png') });
    await nav('account');
    await page.locator('#account-language').selectOption('ar');
    await heading('ar', 'account.title').waitFor();
    await nav('organization');
    await page.locator('#org-tab-members').click();
    await page.locator('td', { hasText: member.email }).waitFor();
    await page.screenshot({ path: join(shots, 'org-members-ar.png') });
    await page.locator('#org-tab-invitations').click();
    await page.screenshot({ path: join(shots, 'org-invitations-ar.png') });
    await nav('workspaces');
    await page.locator('#ws-tab-keys').click();
    await page.screenshot({ path: join(shots, 'workspace-keys-ar.png') });
    await page.locator('#ws-tab-limits').click();
    await page.locator('#limit-requestsPerSecond-0').waitFor();
    await page.screenshot({ path: join(shots, 'workspace-limits-ar.png') });
    await nav('account');
    await page.locator('#account-language').selectOption('en');
    await heading('en', 'account.title').waitFor();
  });

  await step('the Member sees only their workspace', async () => {
    await signOut();
    await signIn(member);
    const names = await page.locator('.ws-list button').allTextContents();
    assert(names.length === 1 && names[0] === 'Research', `member sees workspaces ${JSON.stringify(names)}`);
    await nav('workspaces');
    await page.getByRole('heading', { level: 1, name: 'Research' }).waitFor();
    await page.locator('#ws-tab-settings').click();
    assert((await page.getByRole('button', { name: message('en', 'ws.delete') }).count()) === 0, 'a member may delete the workspace');
    await page.screenshot({ path: join(shots, 'workspace-member-en.png') });
  });
  ok = true;
} catch {
  // step() has printed what failed.
} finally {
  await finish('organizations.mjs', { ok, page, browser, dev });
}
