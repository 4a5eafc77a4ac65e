import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { HttpReceiver, TestPlatform, waitFor } from '@hookstream/testing';

const ROOT = path.resolve(__dirname, '../../..');
/** Screenshots of every page: test artifacts (gitignored); the event page's also goes to the README. */
const SHOTS = path.join(ROOT, 'test-results/console');

/** Waits until the element shows the text (jest's expect has no locator matchers). */
const see = (locator: Locator, text: string | RegExp, timeout = 15_000) => locator.filter({ hasText: text }).first().waitFor({ timeout });

/**
 * The console in Debian's chromium (CHROMIUM_PATH, scripts/lib.sh's
 * ensure_chromium) against the whole platform: a tenant signs in, creates a
 * workflow, watches a test event arrive live and on its page, sees a failing
 * receiver's retry scheduled, reflows, and checks endpoint health, at desktop
 * and phone width.
 */
describe('the console in a browser', () => {
  const receiver = new HttpReceiver();
  const platform = new TestPlatform({ label: 'console' });
  let browser: Browser;
  let page: Page;
  let live: Page;
  let workflowId: string;
  let failedEventId: string;
  const problems: string[] = [];

  const consoleUrl = (hash = '') => `${platform.url('gateway')}/console/${hash}`;
  const shot = (p: Page, name: string) => p.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

  const openPage = async (width = 1280): Promise<Page> => {
    const p = await browser.newPage({ viewport: { width, height: 900 } });
    // A CSP violation or a script error is a failure, whichever page shows it.
    p.on('console', (m) => m.type() === 'error' && /Content Security Policy|Uncaught/.test(m.text()) && problems.push(m.text()));
    p.on('pageerror', (e) => problems.push(e.message));
    return p;
  };

  const signIn = async (p: Page, hash = '') => {
    await p.goto(consoleUrl(hash));
    await p.getByLabel('Secret API key').fill(platform.apiKey);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('button', { name: 'Sign out' }).waitFor();
  };

  /** The matcher may still be loading a new workflow: send until the receiver hears one. */
  const sendTestUntilDelivered = async (p: Page) => {
    const before = receiver.on('/hook').length;
    await waitFor(
      async () => {
        await p.getByRole('button', { name: 'Send test event' }).click();
        await p.getByText('Sent. Watch it arrive').waitFor();
        return waitFor(() => receiver.on('/hook').length > before, { timeoutMs: 4000 }).catch(() => undefined);
      },
      { timeoutMs: 90_000, what: 'a test event at the receiver' },
    );
  };

  beforeAll(async () => {
    // The gateway serves dist/apps/console: build it from this source (a second or two).
    execFileSync(process.execPath, [path.join(ROOT, 'tools/build-console.js')], { cwd: ROOT, stdio: 'inherit' });
    mkdirSync(SHOTS, { recursive: true });
    await receiver.start();
    await platform.start();
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      // Chromium refuses its sandbox to root (CI containers).
      args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
    });
    page = await openPage();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await platform.stop();
    await receiver.stop();
  }, 60_000);

  it('serves the console with a strict CSP and signs in with the API key only', async () => {
    const res = await page.goto(consoleUrl());
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toContain("default-src 'self'");
    expect(res?.headers()['cache-control']).toBe('no-cache');
    await shot(page, '01-sign-in');

    await page.getByLabel('Secret API key').fill('sk_wrong_key_000000000000000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await see(page.getByRole('alert'), 'The API key was refused');

    await page.getByLabel('Secret API key').fill(platform.apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Workflows' }).waitFor();
    await page.getByText('No workflows yet').waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(1);
    expect(await page.evaluate('localStorage.length')).toBe(0);
    expect(await page.content()).not.toContain(platform.apiKey);
    await shot(page, '02-workflows-empty');
  }, 60_000);

  it('creates a workflow pointing at a test receiver, its secrets masked until revealed', async () => {
    await page.getByRole('link', { name: 'Create your first workflow' }).click();
    await page.locator('#wf-name').fill('Orders to the shop');
    await page.getByLabel('payment_approved').check();
    await page.getByLabel('Receiver URL').fill(receiver.url('/hook'));
    // A long first retry, so the console can show it scheduled.
    await page.getByLabel('Retry policy').fill('60s, 60s');
    await page.getByRole('button', { name: 'Add header' }).click();
    await page.locator('#new-h0-name').fill('X-Shop-Token');
    await page.locator('#new-h0-value').fill('shop-token-secret-123');
    await page.getByLabel('HMAC signing key (optional)').fill('hmac-key-secret-456');
    await shot(page, '03-workflow-new');
    await page.getByRole('button', { name: 'Create workflow' }).click();

    await page.getByRole('heading', { name: 'Orders to the shop' }).waitFor();
    workflowId = /#\/workflows\/(wf_[a-z0-9]+)/.exec(page.url())?.[1] ?? '';
    expect(workflowId).toMatch(/^wf_/);
    const body = page.locator('body');
    await see(body, 'X-Shop-Token');
    await see(body, '(masked)');
    expect(await page.content()).not.toContain('shop-token-secret-123');
    expect(await page.content()).not.toContain('hmac-key-secret-456');
    expect(await page.content()).not.toContain('whsec_');

    await page.getByRole('button', { name: 'Reveal signing secret' }).click();
    const secret = page.getByLabel('Signing secret', { exact: true });
    await see(secret, 'whse••••');
    await page.getByRole('button', { name: 'Show' }).click();
    await see(secret, /^whsec_/);
    await page.getByRole('button', { name: 'Hide' }).click();
    expect(await page.content()).not.toContain('whsec_');
    await shot(page, '04-workflow');
  }, 60_000);

  it('sends a test event and shows its attempt in the live tail and on the event page', async () => {
    live = await openPage();
    await signIn(live, `#/live?workflow=${workflowId}`);
    await live.getByRole('status').filter({ hasText: 'live' }).waitFor();

    await sendTestUntilDelivered(page);
    const row = live.locator('.live .item').first();
    await see(row, '200', 30_000);
    await see(row, 'payment_approved');
    await shot(live, '05-live-tail');

    await row.getByRole('link').click();
    await live.getByRole('heading', { name: 'payment_approved' }).waitFor();
    await see(live.locator('.invocation .badge').first(), /^Delivered$/, 30_000);
    await see(live.locator('.attempt').first(), '200');
    await shot(live, '06-event-delivered');
  }, 150_000);

  it('shows a failing receiver’s retry scheduled, then the new attempt of a reflow', async () => {
    receiver.script('/hook', { status: 503, body: '{"error":"maintenance"}' });
    await live.goto(consoleUrl(`#/live?workflow=${workflowId}`));
    await live.getByRole('status').filter({ hasText: 'live' }).waitFor();
    await sendTestUntilDelivered(page);
    const row = live.locator('.live .item').first();
    await see(row, '503', 30_000);
    await see(row, /next in \d+ s/);
    await row.getByRole('link').click();

    failedEventId = /#\/events\/(evt_[a-z0-9]+)/.exec(live.url())?.[1] ?? '';
    expect(failedEventId).toMatch(/^evt_/);
    const invocation = live.locator('.invocation').first();
    await see(invocation.locator('.badge').first(), /^Retrying$/, 30_000);
    await see(invocation.locator('.next'), /Next attempt in \d+ s/);
    await see(invocation.locator('.attempt').first(), '503');
    await invocation.getByText('Response').click();
    await see(invocation, 'maintenance');
    await shot(live, '07-event-retrying');

    receiver.script('/hook', { status: 200 });
    await invocation.getByRole('button', { name: 'Reflow through this workflow' }).click();
    await live.getByText('accepted: new attempts appear below').waitFor();
    await invocation.locator('.attempt').nth(1).waitFor({ timeout: 30_000 });
    await see(invocation.locator('.attempt').nth(1), '200');
    await see(invocation.locator('.badge').first(), /^Delivered$/, 30_000);
    await invocation.getByText('Request headers').first().click();
    expect(await invocation.innerText()).not.toMatch('shop-token-secret-123');
    await shot(live, '08-event-reflowed');
    copyFileSync(path.join(SHOTS, '08-event-reflowed.png'), path.join(ROOT, 'docs/console-event.png'));
  }, 150_000);

  it('lists recent events newest first and finds one by id', async () => {
    await page.goto(consoleUrl(`#/events?workflow=${workflowId}`));
    const first = page.locator('.events .item').first();
    await see(first, failedEventId);
    await shot(page, '09-events');
    await page.getByLabel('Event id or subject id').fill(failedEventId);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('heading', { name: 'payment_approved' }).waitFor();
  }, 60_000);

  it('shows endpoint health, and re-enables an action its receiver disabled with 410', async () => {
    await page.goto(consoleUrl(`#/workflows/${workflowId}/health`));
    const card = page.locator('.card.health').first();
    await see(card, receiver.url('/hook'));
    await see(card.locator('.stats'), '%');
    await card.locator('svg.chart').waitFor();
    await shot(page, '10-health');

    receiver.script('/hook', { status: 410 });
    expect((await platform.api('POST', `/workflows/${workflowId}/test`, { event_types: ['payment_approved'] })).status).toBe(204);
    await waitFor(async () => (await platform.api('GET', `/workflows/${workflowId}`)).body.actions?.[0]?.disabled_at, { timeoutMs: 30_000, what: 'the action disabled by 410' });
    await waitFor(
      async () => {
        await page.getByRole('button', { name: 'Refresh' }).click();
        return see(card.getByRole('alert'), 'Disabled', 2000).then(() => true, () => undefined);
      },
      { timeoutMs: 30_000, what: 'the health page to show the action disabled' },
    );
    await shot(page, '11-health-disabled');
    await card.getByRole('button', { name: 'Re-enable deliveries' }).click();
    await card.getByRole('alert').first().waitFor({ state: 'detached', timeout: 15_000 });
    expect((await platform.api('GET', `/workflows/${workflowId}`)).body.actions[0].disabled_at).toBeNull();
  }, 90_000);

  it('works at phone width and from the keyboard', async () => {
    const phone = await openPage(375);
    await signIn(phone, `#/events/${failedEventId}`);
    await phone.getByRole('heading', { name: 'payment_approved' }).waitFor();
    await phone.locator('.attempt').first().waitFor();
    expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await shot(phone, '12-event-phone');

    // The skip link leads past the header; from there Tab reaches the page's own controls.
    await phone.goto(consoleUrl('#/workflows'));
    await phone.getByRole('heading', { name: 'Workflows' }).waitFor();
    const focused = () => phone.evaluate('document.activeElement && (document.activeElement.id || document.activeElement.textContent)');
    await phone.locator('a.skip').focus();
    expect(await focused()).toBe('Skip to content');
    await phone.keyboard.press('Enter');
    expect(await focused()).toBe('main');
    await phone.keyboard.press('Tab');
    expect(await focused()).toBe('New workflow');
    await phone.close();
    expect(problems).toEqual([]);
  }, 60_000);
});
