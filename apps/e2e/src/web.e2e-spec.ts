/**
 * The web app against the running platform (`npm start` on a fresh PGlite folder) in headless
 * Chromium: sign in with a token, start a run from the form, watch it finish, drag the simulator's
 * threshold and check the displayed miss and overkill against libs/metrics, relabel an image and
 * commit a new version, and watch compliance change colour when a target is edited. Screenshots of
 * every page go to SCREENSHOT_DIR.
 */
import {
  commitLabelChanges,
  createRun,
  createTarget,
  createUser,
  createUserToken,
  getDataset,
  getEvaluation,
  getVersion,
  listEvaluationPredictions,
  listRunEvaluations,
  listRuns,
  type ApiClient,
  type TDataset,
  type TVersionLabel,
} from '@defectlab/contracts';
import { confusionAtThreshold } from '@defectlab/metrics';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, SCREENSHOT_DIR } from './browser';
import { removeDataDir, startPlatform, type RunningPlatform } from './platform-process';
import { allLabels, E2E_ADMIN_TOKEN, importDemoDataset, labClient, waitForRunEnd } from './support/lab-fixture';

const pct = (r: number | null) => (r === null ? 'n/a' : `${(r * 100).toFixed(2)} %`);

describe('the web app on the embedded platform', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let page: Page;
  let api: ApiClient;
  let dataset: TDataset;
  let runId: string;
  let evaluationId: string;
  const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOT_DIR, `web-${name}.png`), fullPage: true });

  beforeAll(async () => {
    platform = await startPlatform({ env: { DEFECTLAB_ADMIN_TOKEN: E2E_ADMIN_TOKEN } });
    api = labClient(platform.apiUrl);
    dataset = await importDemoDataset(api, platform.dataDir, 'lens-e2e', 'lens');
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    if (platform) removeDataDir(platform.dataDir);
  });

  it('signs in with an API token and shows who is signed in', async () => {
    await page.goto(`${platform.webUrl}/sign-in`);
    await page.getByLabel('API token').fill(E2E_ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-as').waitFor();
    expect(await page.getByTestId('nav-user').textContent()).toContain('admin');
    await shot('sign-in');
  });

  it('starts a run from the form (checked by the API schema) and watches it finish', async () => {
    await page.goto(`${platform.webUrl}/runs/new`);
    // the form refuses a submission without a dataset version, before any request
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.getByRole('alert').first().waitFor();
    await page.getByLabel('Dataset version').selectOption({ label: `lens-e2e (lens) v1` });
    await page.getByLabel('Model', { exact: true }).selectOption('patchcore');
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    runId = page.url().split('/').pop() as string;
    await page.getByTestId('run-status').waitFor();
    await shot('run-queued');
    // the platform's embedded trainer worker takes it and trains a real PatchCore
    const run = await waitForRunEnd(api, runId, 540_000);
    expect(run.status).toBe('succeeded');
    await page.locator('[data-testid="run-status"][data-status="succeeded"]').waitFor({ timeout: 30_000 });
    await page.getByTestId('evaluation').first().waitFor();
    await shot('run-page');
    evaluationId = (await api(listRunEvaluations, { params: { runId } })).items[0].id;
  }, 600_000);

  it('lists the run in the runs table with its figures', async () => {
    await page.goto(`${platform.webUrl}/runs`);
    const row = page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
    await row.waitFor();
    await row.locator('[data-status="succeeded"]').waitFor();
    const total = (await api(listRuns, { query: { page: 1, pageSize: 50 } })).total;
    expect(await page.getByTestId('run-row').count()).toBe(total);
    await shot('runs');
  });

  it('simulator: dragging the threshold shows libs/metrics miss and overkill for that threshold', async () => {
    const preds = await api(listEvaluationPredictions, { params: { evaluationId }, query: { split: 'test', pageSize: 500 } });
    const scores = preds.items.map((p) => p.score);
    const labels = preds.items.map((p) => (p.label === 'defective' ? 1 : 0));
    await page.goto(`${platform.webUrl}/evaluations/${evaluationId}`);
    const histogram = page.getByTestId('score-histogram');
    await histogram.waitFor();
    const slider = page.getByTestId('threshold-slider');

    const check = async () => {
      const t = Number(await slider.getAttribute('data-threshold'));
      const want = confusionAtThreshold(scores, labels, t);
      const miss = page.getByTestId('sim-miss');
      const overkill = page.getByTestId('sim-overkill');
      expect(await miss.getAttribute('data-value')).toBe(String(want.missRate));
      expect(await overkill.getAttribute('data-value')).toBe(String(want.overkillRate));
      expect(await miss.textContent()).toBe(pct(want.missRate));
      expect(await overkill.textContent()).toBe(pct(want.overkillRate));
      expect(await page.getByTestId('cm-fn').textContent()).toBe(`FN (miss) ${want.fn}`);
      expect(await page.getByTestId('cm-fp').textContent()).toBe(`FP (overkill) ${want.fp}`);
      return t;
    };
    const initial = await check();

    // drag with the mouse from 30 % to 70 % of the plot's width
    const box = await histogram.boundingBox();
    if (!box) throw new Error('histogram has no box');
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5, { steps: 5 });
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.5, { steps: 5 });
    await page.mouse.up();
    const dragged = await check();
    expect(dragged).not.toBe(initial);
    const seenRates = new Set([await page.getByTestId('sim-miss').textContent()]);

    // and with the keyboard: each arrow press moves to the next achievable threshold
    await slider.focus();
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press('ArrowLeft');
      await check();
      seenRates.add(await page.getByTestId('sim-overkill').textContent());
    }
    expect(Number(await slider.getAttribute('data-threshold'))).toBeLessThan(dragged);
    expect(seenRates.size).toBeGreaterThan(1);
    // verdict flips against the stored operating point are listed
    expect(Number(await page.getByTestId('flip-count').textContent())).toBeGreaterThanOrEqual(0);
    await page.getByTestId('grid-filter').selectOption('wrong');
    await page.getByTestId('image-tile').first().waitFor();
    // the test images and their anomaly maps load through the web app's /api forwarder (cookie-authorised GETs)
    await page.waitForFunction(() => {
      const imgs = Array.from(document.querySelectorAll<HTMLImageElement>('[data-testid="image-tile"] img'));
      return imgs.length > 0 && imgs.every((i) => i.complete && i.naturalWidth > 0);
    }, undefined, { timeout: 30_000 });
    await shot('simulator');

    // the threshold being simulated is saved as a named operating point, with libs/metrics' test figures
    const chosen = Number(await slider.getAttribute('data-threshold'));
    await page.getByPlaceholder('operating point name').fill('e2e go-live');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByTestId('saved-point').waitFor();
    const stored = (await api(getEvaluation, { params: { evaluationId } })).operatingPoints.find((p) => p.name === 'e2e go-live');
    const want = confusionAtThreshold(scores, labels, chosen);
    expect(stored).toMatchObject({ oracle: true, fitSplit: 'test', threshold: chosen, missRate: want.missRate, overkillRate: want.overkillRate });
  });

  it('compliance shows the model against a target and changes colour when the target is edited', async () => {
    await api(createTarget, { body: { productLine: 'lens', maxMissRate: 1, maxOverkillRate: 1, maxSizeBytes: 1e9, maxLatencyMs: 1000 } });
    await page.goto(`${platform.webUrl}/compliance`);
    const overall = page.getByTestId('compliance-overall').first();
    await overall.waitFor();
    expect(await overall.getAttribute('data-verdict')).toBe('green');
    await shot('compliance-green');
    // tighten the size target below the model's size through the page's own form
    await page.getByText('Edit targets').click();
    await page.getByLabel('Max size (MB) for lens').fill('0.5');
    await page.getByRole('button', { name: 'Save targets for lens' }).click();
    await page.locator('[data-testid="compliance-overall"][data-verdict="red"]').first().waitFor();
    await shot('compliance-red');
  });

  it('curation: relabels an image with a reason, commits, and sees the new version', async () => {
    await page.goto(`${platform.webUrl}/curation`);
    await page.getByTestId('queue-item').first().waitFor();
    await page.getByTestId('queue-item').first().click();
    await page.getByTestId('curation-image').waitFor();
    await page.getByLabel('Reason').fill('looks clean under zoom');
    // keyboard shortcut: "g" marks good
    await page.getByTestId('curation-image').focus();
    await page.keyboard.press('g');
    await page.getByTestId('pending-change').first().waitFor();
    await shot('curation-pending');
    await page.getByRole('button', { name: /Commit/ }).click();
    await page.getByTestId('commit-result').waitFor();
    expect(await page.getByTestId('commit-result').textContent()).toContain('version 2');
    const v = await api(getVersion, { params: { versionId: dataset.headVersion.id } });
    expect(v.isHead).toBe(false);
    await shot('curation-committed');

    // someone else commits on top of version 2 meanwhile: this page's next commit gets a 409 and offers a rebase
    const labels = await allLabels(api, (await api(getDataset, { params: { datasetId: dataset.id } })).headVersion.id);
    const other = labels.find((l) => l.split === 'train') as TVersionLabel;
    const head = (await api(getDataset, { params: { datasetId: dataset.id } })).headVersion;
    await api(commitLabelChanges, { params: { versionId: head.id }, body: { changes: [{ imageId: other.imageId, value: 'good', reason: 'parallel curator', uncertain: true }] } });
    await page.getByTestId('curation-source').selectOption('all');
    await page.getByTestId('queue-item').nth(3).click();
    await page.getByLabel('Reason').fill('second look');
    await page.getByTestId('curation-image').focus();
    await page.keyboard.press('u');
    await page.getByTestId('pending-change').first().waitFor();
    await page.getByRole('button', { name: /Commit/ }).click();
    await page.getByTestId('commit-conflict').waitFor();
    await shot('curation-conflict');
    await page.getByRole('button', { name: /Apply on top of the newest version/ }).click();
    await page.getByTestId('commit-result').waitFor();
    expect(await page.getByTestId('commit-result').textContent()).toContain('version 4');
  });

  it('compares two models chosen in the runs table and shows one image under both heatmaps', async () => {
    // a second model (CS-Flow, small preset, a few epochs) on the same dataset version, trained by the embedded worker
    const second = await api(createRun, { body: { kind: 'csflow', datasetVersionId: dataset.headVersion.id, config: { preset: 'small', epochs: 3 }, seed: 1 } });
    expect((await waitForRunEnd(api, second.id, 540_000)).status).toBe('succeeded');

    await page.goto(`${platform.webUrl}/runs`);
    await page.locator(`[data-testid="run-row"][data-run-id="${second.id}"] [data-status="succeeded"]`).waitFor();
    await page.getByRole('checkbox', { name: new RegExp(`select patchcore run ${runId.slice(0, 8)}`) }).check();
    await page.getByRole('checkbox', { name: new RegExp(`select csflow run ${second.id.slice(0, 8)}`) }).check();
    await page.getByRole('button', { name: /Compare selected \(2\)/ }).click();
    await page.waitForURL(/\/compare\?evaluations=/);
    await page.getByTestId('miss-overkill-chart').waitFor();
    await page.getByTestId('roc-chart').waitFor();
    expect(await page.getByTestId('compare-table').locator('tbody tr').count()).toBe(2);
    expect(await page.getByTestId('miss-overkill-chart').locator('path.series').count()).toBe(2);
    // the trade-off scatters: one point per run, the Pareto front drawn (issue 18 item 4)
    await page.getByTestId('size-overkill-scatter').scrollIntoViewIfNeeded();
    expect(await page.getByTestId('size-overkill-scatter').locator('[data-testid="tradeoff-point"]').count()).toBe(2);
    expect(await page.getByTestId('size-overkill-scatter').locator('[data-testid="pareto-front"]').count()).toBe(1);
    await page.getByTestId('latency-overkill-scatter').waitFor();
    await shot('compare');

    // side by side: the same image under this model's and the other model's anomaly map
    await page.goto(`${platform.webUrl}/evaluations/${evaluationId}`);
    await page.getByTestId('image-tile').first().click();
    const other = page.getByLabel('Compare with');
    await other.waitFor();
    await page.waitForFunction(() => (document.querySelector('select[data-testid="compare-with"]') as HTMLSelectElement | null)?.options.length === 2);
    await other.selectOption({ index: 1 });
    await page.getByTestId('side-by-side').locator('figure').nth(1).getByText(/other model: score/).waitFor();
    await page.getByTestId('side-by-side').scrollIntoViewIfNeeded();
    await shot('side-by-side');
  });

  it('re-evaluates the run on the curated version from its stored scores', async () => {
    await page.goto(`${platform.webUrl}/runs/${runId}`);
    await page.getByRole('button', { name: /Re-evaluate on v4/ }).click();
    await page.getByText('(re-evaluated from stored scores)').waitFor();
    expect(await page.getByTestId('evaluation').count()).toBe(2);
    await shot('run-reevaluated');
  });

  it('shows a viewer only what a viewer may do', async () => {
    const user = await api(createUser, { body: { email: 'viewer@example.com', name: 'Vera Viewer', role: 'viewer' } });
    const { token } = await api(createUserToken, { params: { userId: user.id }, body: { name: 'e2e' } });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const viewer = await context.newPage();
    try {
      await viewer.goto(`${platform.webUrl}/sign-in`);
      await viewer.getByLabel('API token').fill(token);
      await viewer.getByRole('button', { name: 'Sign in' }).click();
      await viewer.getByTestId('signed-in-as').waitFor();
      await viewer.goto(`${platform.webUrl}/runs`);
      await viewer.getByTestId('run-row').first().waitFor();
      expect(await viewer.getByRole('link', { name: 'New run' }).count()).toBe(0);
      await viewer.goto(`${platform.webUrl}/runs/new`);
      await viewer.getByText('This page needs the role').waitFor();
      await viewer.goto(`${platform.webUrl}/compliance`);
      await viewer.getByTestId('compliance-row').first().waitFor();
      expect(await viewer.getByText('Edit targets').count()).toBe(0);
      await viewer.goto(`${platform.webUrl}/curation`);
      await viewer.getByTestId('curation-source').selectOption('all');
      await viewer.getByTestId('queue-item').first().click();
      await viewer.getByTestId('curation-image').waitFor();
      // the image's score (and map) from the newest evaluation of a run on this dataset, though it was trained on version 1
      await viewer.getByText(/patchcore, score/).waitFor();
      expect(await viewer.getByRole('button', { name: /Commit/ }).count()).toBe(0);
      expect(await viewer.getByLabel('Reason').count()).toBe(0);
      await viewer.screenshot({ path: path.join(SCREENSHOT_DIR, 'web-viewer-curation.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });
});
