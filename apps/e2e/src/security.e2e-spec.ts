/**
 * The browser as the attack surface (issue 16, items 1 and 9), against the platform as `npm start` runs it, in
 * headless Chromium: the API token never reaches page scripts (HttpOnly SameSite=Strict cookie, nothing in
 * localStorage), a state-changing request without the session's CSRF header is refused (and a cross-site form
 * gets nowhere) while the app's own forms work, an artifact that carries a script cannot run it (html/svg refused
 * at upload; a script smuggled in an allowed type is served inert), and pages carry a nonce CSP with
 * frame-ancestors 'none' under which injected markup runs no script. Run with the API security specs by `npm run probe:security`.
 */
import {
  claimJob,
  createApiClient,
  createRun,
  createTarget,
  createUser,
  createUserToken,
  getRun,
  getTarget,
  listDatasets,
  LEASE_TOKEN_HEADER,
  ZArtifact,
  type ApiClient,
  type TWorkerJob,
} from '@defectlab/contracts';
import { generateDemoDataset } from '@defectlab/datasets';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from './browser';
import { removeDataDir, startPlatform, type RunningPlatform } from './platform-process';
import { E2E_ADMIN_TOKEN, importDemoDataset, labClient } from './support/lab-fixture';

/** What an attacker stores: a page whose script reports home and marks the window. */
const PAYLOAD = '<html><body><script>window.__pwned = 1; fetch("/pwned?" + document.cookie); alert("pwned")</script></body></html>';

describe('the browser session and artifacts on the embedded platform', () => {
  let platform: RunningPlatform;
  let api: ApiClient;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let runId: string;
  let job: TWorkerJob;
  let workerToken: string;
  /** Requests for /pwned and dialogs seen anywhere in the browser: any one means a script ran. */
  const signsOfScript: string[] = [];

  beforeAll(async () => {
    // no embedded worker: this test's own worker token claims the run and uploads what an attacker would
    platform = await startPlatform({ env: { DEFECTLAB_ADMIN_TOKEN: E2E_ADMIN_TOKEN, DEFECTLAB_EMBEDDED_WORKER: '0' } });
    api = labClient(platform.apiUrl);
    const dataset = await importDemoDataset(api, platform.dataDir, 'lens-security', 'lens');
    const worker = await api(createUser, { body: { email: 'worker@example.com', name: 'Worker', role: 'worker' } });
    workerToken = (await api(createUserToken, { params: { userId: worker.id }, body: { name: 'e2e' } })).token;
    runId = (await api(createRun, { body: { kind: 'patchcore', datasetVersionId: dataset.headVersion.id, config: {} } })).id;
    const claimed = await createApiClient({ baseUrl: platform.apiUrl, token: workerToken })(claimJob, {
      body: { workerId: 'attacker', waitSeconds: 10, worker: { hardware: {}, runtime: {}, codeVersion: null } },
    });
    if (!claimed.job || claimed.job.runId !== runId) throw new Error('the test run was not claimed');
    job = claimed.job;
    await api(createTarget, { body: { productLine: 'lens', maxMissRate: 0.1, maxOverkillRate: 0.1, maxSizeBytes: 1e9, maxLatencyMs: 1000 } });

    browser = await launchBrowser();
    context = await browser.newContext({ acceptDownloads: true });
    context.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/pwned')) signsOfScript.push(`request ${r.url()}`);
    });
    context.on('page', (p) => p.on('dialog', (d) => void (signsOfScript.push(`dialog ${d.message()}`), d.dismiss())));
    page = await context.newPage();
    page.on('dialog', (d) => void (signsOfScript.push(`dialog ${d.message()}`), d.dismiss()));
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    if (platform) removeDataDir(platform.dataDir);
  });

  const upload = (kind: string, contentType: string, body: string) =>
    fetch(`${platform.apiUrl}/api/worker/runs/${runId}/artifacts?workerId=attacker&kind=${kind}&contentType=${encodeURIComponent(contentType)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${workerToken}`, [LEASE_TOKEN_HEADER]: job.leaseToken, 'content-type': 'application/octet-stream' },
      body,
    });

  it('refuses html and svg artifacts at upload, and a type of another kind', async () => {
    for (const [kind, type, status] of [
      ['log', 'text/html', 400],
      ['anomaly_map', 'image/svg+xml', 400],
      ['report', 'application/xhtml+xml', 400],
      ['anomaly_map', 'application/json', 415],
    ] as const) {
      const res = await upload(kind, type, PAYLOAD);
      expect([kind, type, res.status]).toEqual([kind, type, status]);
    }
  });

  it('signs in through the form; the token is in an HttpOnly SameSite=Strict cookie and nowhere page scripts can read', async () => {
    await page.goto(`${platform.webUrl}/sign-in`);
    // where a browser of before issue 16 kept the token: the app removes both
    await page.evaluate((t) => {
      window.localStorage.setItem('defectlab.token', t);
      document.cookie = `dl_token=${t}; path=/; SameSite=Strict`;
    }, E2E_ADMIN_TOKEN);
    await page.getByLabel('API token').fill(E2E_ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-as').waitFor();
    await page.reload();
    await page.getByTestId('nav-user').waitFor();

    const visible = await page.evaluate(() => ({
      cookie: document.cookie,
      local: JSON.stringify({ ...window.localStorage }),
      session: JSON.stringify({ ...window.sessionStorage }),
    }));
    expect([visible.cookie, visible.local, visible.session].filter((s) => s.includes(E2E_ADMIN_TOKEN))).toEqual([]);
    expect(visible.cookie).toMatch(/dl_csrf=/);
    const session = (await context.cookies(platform.webUrl)).find((c) => c.name === 'dl_session');
    expect(session).toMatchObject({ value: E2E_ADMIN_TOKEN, httpOnly: true, sameSite: 'Strict', path: '/' });
  });

  it('serves pages with a nonce CSP (no inline script), frame-ancestors none and the other headers; injected markup runs no script', async () => {
    const res = await page.goto(`${platform.webUrl}/runs`);
    const h = res!.headers();
    const csp = h['content-security-policy'] ?? '';
    const scriptSrc = csp.split(';').find((d) => d.trim().startsWith('script-src')) ?? '';
    expect(scriptSrc).toMatch(/'nonce-[A-Za-z0-9+/=]{16,}'/);
    expect(scriptSrc).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect([h['x-frame-options'], h['x-content-type-options'], h['referrer-policy'], h['x-powered-by']]).toEqual(['DENY', 'nosniff', 'no-referrer', undefined]);
    // a fresh nonce per page
    const again = (await page.reload())!.headers()['content-security-policy'];
    expect(again).not.toBe(csp);
    // the app's own (nonced) scripts run: the page is interactive
    await page.getByTestId('nav-user').waitFor();
    // markup an attacker got into the page: neither an inline handler nor a parser-inserted script without the nonce runs
    const ran = await page.evaluate(async () => {
      const violations: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
      const box = document.createElement('div');
      box.innerHTML = '<img src="/nothing.png" onerror="window.__handler = 1"><iframe srcdoc="<script>parent.__srcdoc = 1</script>"></iframe>';
      document.body.appendChild(box);
      await new Promise((r) => setTimeout(r, 500));
      const w = window as unknown as Record<string, number | undefined>;
      return { handler: w['__handler'] ?? null, srcdoc: w['__srcdoc'] ?? null, violations: violations.length > 0 };
    });
    expect(ran).toEqual({ handler: null, srcdoc: null, violations: true });
    const api = await fetch(`${platform.webUrl}/api/health`);
    expect([api.headers.get('x-content-type-options'), api.headers.get('x-frame-options'), api.headers.get('x-powered-by')]).toEqual(['nosniff', 'DENY', null]);
  });

  it('refuses a state-changing request without the CSRF header and a cross-site form; the app\'s own form works', async () => {
    await page.goto(`${platform.webUrl}/compliance`);
    const target = { productLine: 'lens', maxMissRate: 0.5, maxOverkillRate: 0.5, maxSizeBytes: 1, maxLatencyMs: 1 };
    const bare = await page.evaluate(async (body) => {
      const r = await fetch('/api/targets/lens', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: r.status, body: await r.json() };
    }, target);
    expect(bare).toMatchObject({ status: 403, body: { code: 'CSRF_TOKEN_INVALID' } });

    // another site's page posting a form to the web app: the SameSite=Strict session does not go along
    const attacker = await context.newPage();
    await attacker.route('http://attacker.test/**', (r) =>
      r.fulfill({
        contentType: 'text/html',
        body: `<form method="POST" action="${platform.webUrl}/api/runs/${runId}/cancel"></form><script>document.forms[0].submit()</script>`,
      }),
    );
    const [crossSite] = await Promise.all([attacker.waitForResponse((r) => r.url().endsWith(`/api/runs/${runId}/cancel`)), attacker.goto('http://attacker.test/')]);
    expect([401, 403]).toContain(crossSite.status());
    await attacker.close();
    expect(await api(getTarget, { params: { productLine: 'lens' } })).toMatchObject({ maxMissRate: 0.1, maxSizeBytes: 1e9 });

    // the page's own form goes through the shared client, which sends the header
    await page.getByText('Edit targets').first().click();
    await page.getByLabel('Max size (MB) for lens').fill('0.5');
    await page.getByRole('button', { name: 'Save targets for lens' }).click();
    const deadline = Date.now() + 15_000;
    while ((await api(getTarget, { params: { productLine: 'lens' } })).maxSizeBytes !== 500_000 && Date.now() < deadline) await page.waitForTimeout(250);
    expect((await api(getTarget, { params: { productLine: 'lens' } })).maxSizeBytes).toBe(500_000);
    expect((await api(getRun, { params: { runId } })).status).toBe('running');
  });

  it('cannot run a script smuggled into an artifact: the log downloads as an attachment, the "png" renders inert', async () => {
    const log = ZArtifact.parse(await (await upload('log', 'text/plain; charset=utf-8', PAYLOAD)).json());
    const map = ZArtifact.parse(await (await upload('anomaly_map', 'image/png', PAYLOAD)).json());

    await page.goto(`${platform.webUrl}/runs/${runId}`);
    const link = page.locator(`a[href="/api/artifacts/${log.id}/content"]`);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toMatch(/^log-.*\.txt$/);

    // opened directly, as a link in a new tab would be
    const direct = await context.newPage();
    const res = await direct.goto(`${platform.webUrl}/api/artifacts/${map.id}/content`);
    const h = res!.headers();
    expect([h['content-type'], h['x-content-type-options'], h['content-security-policy']]).toEqual(['image/png', 'nosniff', "default-src 'none'; sandbox"]);
    expect((await res!.body()).toString()).toContain('<script>');
    await direct.waitForTimeout(500);
    expect(await direct.evaluate(() => (window as unknown as { __pwned?: number }).__pwned ?? null).catch(() => null)).toBeNull();
    await direct.close();
    expect(signsOfScript).toEqual([]);
  });

  it("uploads an archive through the import form (XMLHttpRequest with the shared CSRF header); the same upload without it is refused", async () => {
    const folder = path.join(platform.dataDir, 'upload-src');
    await generateDemoDataset({ productLine: 'flex', seed: 3, size: 32, subtleFraction: 0.5, counts: { trainGood: 6, testGood: 4, testDefective: 4 } }, folder);
    const archive = path.join(platform.dataDir, 'upload.tar');
    execFileSync('tar', ['-cf', archive, '-C', folder, '.']);

    await page.goto(`${platform.webUrl}/datasets`);
    const bare = await page.evaluate(async () => {
      const form = new FormData();
      form.set('name', 'forged');
      form.set('productLine', 'flex');
      form.set('archive', new Blob([new Uint8Array(1024)]), 'x.tar');
      return (await fetch('/api/datasets/upload', { method: 'POST', body: form })).status;
    });
    expect(bare).toBe(403);

    await page.getByTestId('import-form').locator('summary').click();
    await page.getByLabel('upload an archive').check();
    await page.getByLabel('Name').fill('uploaded-flex');
    await page.getByLabel('Product line').fill('flex');
    await page.locator('#import-archive').setInputFiles(archive);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByTestId('import-result').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('import-result').textContent()).toContain('uploaded-flex');
    expect((await api(listDatasets)).map((d) => d.name)).toEqual(expect.arrayContaining(['uploaded-flex']));
    expect((await api(listDatasets)).map((d) => d.name)).not.toContain('forged');
  });

  it('signs out through the app (a CSRF-checked DELETE): the session cookie is gone and the API answers 401', async () => {
    await page.goto(`${platform.webUrl}/runs`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
    expect((await context.cookies(platform.webUrl)).map((c) => c.name)).not.toContain('dl_session');
    expect(await page.evaluate(async () => (await fetch('/api/auth/me')).status)).toBe(401);
  });
});
