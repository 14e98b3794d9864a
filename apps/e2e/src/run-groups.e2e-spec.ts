/**
 * The sweep form on the runs page against the running platform (`npm start`, no embedded worker, a
 * confirmation limit of 2 runs) in headless Chromium: an unknown option is refused in the form naming it,
 * before any request; a grid over the limit shows the server's confirmation, and only confirming starts the
 * group, whose view lists its runs in grid order.
 */
import { listRunGroups, listRuns, type ApiClient } from '@defectlab/contracts';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './browser';
import { removeDataDir, startPlatform, type RunningPlatform } from './platform-process';
import { E2E_ADMIN_TOKEN, importDemoDataset, labClient } from './support/lab-fixture';

describe('the sweep (run group) form', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let page: Page;
  let api: ApiClient;

  beforeAll(async () => {
    platform = await startPlatform({ env: { DEFECTLAB_ADMIN_TOKEN: E2E_ADMIN_TOKEN, DEFECTLAB_EMBEDDED_WORKER: '0', DEFECTLAB_SWEEP_CONFIRM_LIMIT: '2' } });
    api = labClient(platform.apiUrl);
    await importDemoDataset(api, platform.dataDir, 'lens-sweep', 'lens');
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${platform.webUrl}/sign-in`);
    await page.getByLabel('API token').fill(E2E_ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-as').waitFor();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    if (platform) removeDataDir(platform.dataDir);
  });

  it('refuses an unknown option naming it, and asks for confirmation above the limit before starting the group', async () => {
    await page.goto(`${platform.webUrl}/runs`);
    await page.getByTestId('new-sweep').locator('summary').click();
    const form = page.getByRole('form', { name: 'New sweep' });
    await form.getByLabel('Model').selectOption('fastflow');
    await form.getByLabel('Dataset version').selectOption({ label: 'lens-sweep (lens) v1' });
    await form.getByLabel(/^Grid/).fill('{"hiddenRatoi":[0.5,1]}');
    await form.getByRole('button', { name: 'Start sweep' }).click();
    const gridError = form.locator('#group-grid-error');
    await gridError.waitFor();
    expect(await gridError.textContent()).toContain('unknown fastflow option "hiddenRatoi"');
    expect((await api(listRunGroups, { query: { page: 1, pageSize: 10 } })).total).toBe(0);

    // three runs > the platform's limit of two: the server asks, the form shows it, nothing starts yet
    await form.getByLabel(/^Grid/).fill('{"flowSteps":[1,2,3]}');
    await form.getByRole('button', { name: 'Start sweep' }).click();
    const dialog = form.getByRole('alertdialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toMatch(/3 runs, more than 2/);
    expect((await api(listRuns, { query: { page: 1, pageSize: 10 } })).total).toBe(0);

    await dialog.getByRole('button', { name: 'Start all runs' }).click();
    await page.waitForURL(/\/runs\/groups\/[0-9a-f-]{36}$/);
    await page.getByTestId('run-group-row').nth(2).waitFor();
    expect(await page.getByTestId('run-group-row').count()).toBe(3);
    expect((await api(listRuns, { query: { page: 1, pageSize: 10 } })).total).toBe(3);
  }, 180_000);
});
