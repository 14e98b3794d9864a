/**
 * Every page as a new user sees it (issue 19), at 1024 and 1440 px in headless Chromium against the platform
 * started by `npm start`, with a PatchCore and a CS-Flow run trained by its embedded worker. Screenshots of each
 * page at both widths are kept under test-results/screenshots (pages-<name>-<width>.png); the assertions are on
 * what is visible: no horizontal page scrolling, rounded ticks, the charts' scales and marks, the run page's
 * details, curation's thumbnails and defect types, compliance's defaults and sample-size note, the datasets
 * page's counts, samples and import form, and the favicon.
 */
import {
  createRun,
  createTarget,
  DEFAULT_TARGETS,
  listRunArtifacts,
  listRunEvaluations,
  type ApiClient,
  type TDataset,
} from '@defectlab/contracts';
import { generateDemoDataset } from '@defectlab/datasets';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './browser';
import { removeDataDir, startPlatform, type RunningPlatform } from './platform-process';
import { importDemoDataset, E2E_ADMIN_TOKEN, labClient, waitForRunEnd } from './support/lab-fixture';
import { bracketsOnOneLine, pageFit, shot, WIDTHS } from './support/layout';

describe('the pages at 1024 and 1440 px (issue 19)', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let page: Page;
  let api: ApiClient;
  let dataset: TDataset;
  let patchcore: { runId: string; evaluationId: string };
  let csflow: { runId: string; evaluationId: string };
  const notFound: string[] = [];

  const open = async (url: string, ready: string) => {
    await page.goto(`${platform.webUrl}${url}`);
    await page.locator(ready).first().waitFor({ timeout: 60_000 });
  };

  beforeAll(async () => {
    platform = await startPlatform({ env: { DEFECTLAB_ADMIN_TOKEN: E2E_ADMIN_TOKEN } });
    api = labClient(platform.apiUrl);
    dataset = await importDemoDataset(api, platform.dataDir, 'lens-pages', 'lens');
    await api(createTarget, { body: { productLine: 'lens', ...DEFAULT_TARGETS } });
    const trained = async (kind: 'patchcore' | 'csflow', config: Record<string, unknown>) => {
      const run = await api(createRun, { body: { kind, datasetVersionId: dataset.headVersion.id, config, seed: 1 } });
      expect((await waitForRunEnd(api, run.id, 540_000)).status).toBe('succeeded');
      return { runId: run.id, evaluationId: (await api(listRunEvaluations, { params: { runId: run.id } })).items[0].id };
    };
    patchcore = await trained('patchcore', {});
    csflow = await trained('csflow', { preset: 'small', epochs: 3 });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('response', (r) => {
      if (r.status() === 404) notFound.push(r.url());
    });
    await page.goto(`${platform.webUrl}/sign-in`);
    await page.getByLabel('API token').fill(E2E_ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-as').waitFor();
  }, 900_000);
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    if (platform) removeDataDir(platform.dataDir);
  });

  it('3. layout: every page fits without horizontal page scrolling; the runs table scrolls in its card with its key columns pinned', async () => {
    const pages: [string, string, string][] = [
      ['home', '/', '[data-testid="api-status"]'],
      ['runs', '/runs', '[data-testid="run-row"]'],
      ['new-run', '/runs/new', 'form'],
      ['run-csflow', `/runs/${csflow.runId}`, '[data-testid="loss-curve"]'],
      ['run-patchcore', `/runs/${patchcore.runId}`, '[data-testid="phase-progress"]'],
      ['simulator', `/evaluations/${patchcore.evaluationId}`, '[data-testid="score-histogram"]'],
      ['compare', `/compare?evaluations=${patchcore.evaluationId},${csflow.evaluationId}`, '[data-testid="compare-table"]'],
      ['curation', '/curation', '[data-testid="queue-item"]'],
      ['compliance', '/compliance', '[data-testid="line-summary"]'],
      ['datasets', '/datasets', '[data-testid="dataset-overview"]'],
    ];
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      for (const [name, url, ready] of pages) {
        await open(url, ready);
        await page.waitForLoadState('networkidle');
        await shot(page, name);
        const fit = await pageFit(page);
        expect({ page: name, width, scrolls: fit.scrollWidth > fit.clientWidth }).toEqual({ page: name, width, scrolls: false });
        expect(fit.navWidth).toBeGreaterThanOrEqual(fit.clientWidth - 1);
      }
    }
    // at 1024 px the runs table scrolls inside its card, and the selection and model columns stay in view
    await page.setViewportSize({ width: 1024, height: 900 });
    await open('/runs', '[data-testid="run-row"]');
    const wrap = page.getByTestId('runs-table-wrap');
    await wrap.evaluate((el) => (el.scrollLeft = el.scrollWidth));
    const wrapBox = await wrap.boundingBox();
    const modelCell = await page.locator('[data-testid="run-row"] .pin-2').first().boundingBox();
    const checkCell = await page.locator('[data-testid="run-row"] .pin-1').first().boundingBox();
    if (!wrapBox || !modelCell || !checkCell) throw new Error('runs table has no box');
    expect(checkCell.x).toBeGreaterThanOrEqual(wrapBox.x - 1);
    expect(modelCell.x + modelCell.width).toBeLessThanOrEqual(wrapBox.x + wrapBox.width);
    // curation: the pager's buttons stay on one line in the queue column
    await open('/curation', '[data-testid="queue-item"]');
    const tops = await page.getByTestId('pager').first().locator('button').evaluateAll((bs) => bs.map((b) => Math.round(b.getBoundingClientRect().top)));
    expect(new Set(tops).size).toBe(1);
    // a 64 px image fills its viewer: no large empty grey area beside it
    await page.getByTestId('queue-item').first().click();
    const viewer = await page.getByTestId('curation-image').boundingBox();
    const image = await page.locator('[data-testid="curation-image"] .heatmap-image').boundingBox();
    if (!viewer || !image) throw new Error('viewer has no box');
    expect(viewer.width - image.width).toBeLessThan(4);
    // compliance: 95 % intervals never wrap inside their brackets
    await open('/compliance', '[data-testid="compliance-row"]');
    const iv = await bracketsOnOneLine(page, '[data-testid="compliance-row"] td');
    expect(iv.checked).toBeGreaterThan(0);
    expect(iv.broken).toEqual([]);
  });

  it('1. charts: the loss runs against a global step with epochs marked, ticks are rounded, the histogram counts, heatmaps carry a legend', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await open(`/runs/${csflow.runId}`, '[data-testid="loss-curve"]');
    const chart = page.getByTestId('loss-curve');
    // x of the per-step series never goes back (the old chart plotted the per-epoch step, which restarts)
    const d = (await chart.locator('path.series').first().getAttribute('d')) ?? '';
    const xs = [...d.matchAll(/[ML]([-\d.]+),/g)].map((m) => Number(m[1]));
    expect(xs.length).toBeGreaterThan(1);
    for (let i = 1; i < xs.length; i++) expect(xs[i]).toBeGreaterThanOrEqual(xs[i - 1]);
    expect(await chart.locator('.x-mark').allTextContents()).toEqual(['epoch 2', 'epoch 3']);
    const ticks = [...(await chart.locator('.x-tick text').allTextContents()), ...(await chart.locator('.y-tick text').allTextContents())];
    expect(ticks.length).toBeGreaterThan(4);
    for (const t of ticks) expect(t).toMatch(/^−?-?[\d,]+(\.\d{1,4})?$/); // no "1.58e+3", no "11.7283"
    await shot(page, 'chart-loss');

    await open(`/evaluations/${patchcore.evaluationId}`, '[data-testid="score-histogram"]');
    const counts = await page.locator('[data-testid="score-histogram"] .count-tick text').allTextContents();
    expect(counts[0]).toBe('0');
    for (const c of counts) expect(c).toMatch(/^\d+$/);
    for (const t of await page.locator('[data-testid="score-histogram"] .x-tick text').allTextContents()) expect(t).not.toMatch(/e[+-]|\.\d{5,}/);
    await page.getByTestId('heatmap-legend').waitFor();
    // dragging still moves the threshold
    const slider = page.getByTestId('threshold-slider');
    const before = await slider.getAttribute('data-threshold');
    const box = await page.getByTestId('score-histogram').boundingBox();
    if (!box) throw new Error('histogram has no box');
    await page.mouse.move(box.x + box.width * 0.8, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2, { steps: 4 });
    await page.mouse.up();
    expect(await slider.getAttribute('data-threshold')).not.toBe(before);
    // side by side: raw scores of two models are on different scales; each is shown against its own threshold
    await page.getByTestId('image-tile').first().click();
    await page.waitForFunction(() => (document.querySelector('select[data-testid="compare-with"]') as HTMLSelectElement | null)?.options.length === 2);
    await page.getByTestId('compare-with').selectOption({ index: 1 });
    expect(await page.getByTestId('scale-note').textContent()).toMatch(/different scales/);
    await page.getByTestId('relative-other').waitFor();
    expect(await page.getByTestId('relative-this').textContent()).toMatch(/its threshold \((flagged defective|passed as good)\)/);
    await page.getByTestId('side-by-side').scrollIntoViewIfNeeded();
    await shot(page, 'chart-side-by-side');
  });

  it('2. compare: a log miss axis around the target, a neutral target box, the targets column and the bar labels in view', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await open(`/compare?evaluations=${patchcore.evaluationId},${csflow.evaluationId}`, '[data-testid="compare-table"]');
    const chart = page.getByTestId('miss-overkill-chart');
    expect(await chart.locator('.y-tick text').allTextContents()).toEqual(['0.1 %', '1 %', '10 %', '100 %']);
    const targetBox = chart.getByTestId('target-box');
    expect(await targetBox.getAttribute('fill')).toBe('url(#target-hatch)');
    const seriesColours = await chart.locator('path.series').evaluateAll((ps) => ps.map((p) => p.getAttribute('stroke')));
    expect(seriesColours).not.toContain(await targetBox.getAttribute('stroke'));
    // the target box is tall enough to see: miss 0.1 %..0.5 % is a third of a decade-scaled axis, not a sliver
    const tb = await targetBox.boundingBox();
    expect(tb?.height ?? 0).toBeGreaterThan(20);
    // the "meets all targets" column is inside the card at 1440 px
    const card = await page.getByTestId('compare-table-wrap').boundingBox();
    const verdict = await page.getByTestId('compare-verdict').first().boundingBox();
    if (!card || !verdict) throw new Error('compare table has no box');
    expect(verdict.x + verdict.width).toBeLessThanOrEqual(card.x + card.width);
    // the latency limit line crosses no bar label
    for (const id of ['speed-bars', 'size-bars']) {
      const limit = await page.getByTestId(id).getByTestId('bar-limit').locator('line').boundingBox();
      if (!limit) continue;
      for (const label of await page.getByTestId(id).locator('.bar-value').all()) {
        const b = await label.boundingBox();
        if (b) expect(limit.x > b.x + b.width || limit.x + limit.width < b.x).toBe(true);
      }
    }
    await shot(page, 'compare-detail');
  });

  it('7. run page: dataset and product line beside the version, checkpoints as one entry, the log follows, PatchCore shows its coreset', async () => {
    await open(`/runs/${csflow.runId}`, '[data-testid="run-dataset"]');
    // the dataset's name arrives with the datasets list
    await page.getByTestId('run-dataset').filter({ hasText: 'lens-pages' }).waitFor();
    expect(await page.getByTestId('run-dataset').textContent()).toMatch(/lens-pages \(lens\)\s*v1/);
    expect(await page.getByTestId('training-backend').textContent()).toMatch(/tfjs|onnxruntime/);
    await page.locator('[data-testid="artifact"][data-kind="checkpoint"]').first().waitFor();
    expect(await page.locator('[data-testid="artifact"][data-kind="checkpoint"]').count()).toBe(1);
    // however many checkpoints the run stored (the API's count), the page lists one entry, the latest, with the count
    const stored = (await api(listRunArtifacts, { params: { runId: csflow.runId } })).items.filter((a) => a.kind === 'checkpoint').length;
    expect(stored).toBeGreaterThan(0);
    if (stored > 1) expect(await page.locator('[data-testid="artifact"][data-kind="checkpoint"]').textContent()).toContain(`latest of ${stored} checkpoints`);
    const log = page.getByTestId('progress-log');
    await page.waitForFunction(() => {
      const el = document.querySelector('[data-testid="progress-log"]');
      return !!el && el.scrollTop + el.clientHeight >= el.scrollHeight - 2;
    });
    expect(await log.locator('li').count()).toBeGreaterThan(3);
    await open(`/runs/${patchcore.runId}`, '[data-testid="phase-progress"]');
    expect(await page.getByTestId('phase-progress').textContent()).toMatch(/coreset patches selected: \d+/);
    expect(await page.getByText('No loss reported').count()).toBe(0);
    await shot(page, 'run-patchcore-detail');
  });

  it('4. curation: thumbnails, reasons in words, a defect type to pick (none recorded silently), plurals', async () => {
    await open('/curation', '[data-testid="queue-item"]');
    await page.waitForFunction(() => {
      const imgs = Array.from(document.querySelectorAll<HTMLImageElement>('[data-testid="queue-thumb"] img:not(.heat)'));
      return imgs.length > 0 && imgs.every((i) => i.complete && i.naturalWidth > 0);
    }, undefined, { timeout: 30_000 });
    const whys = await page.getByTestId('queue-why').allTextContents();
    expect(whys.some((w) => /models? calls? it defective, \d+ good|score (within|at|near)/.test(w))).toBe(true);
    for (const w of whys) expect(w).not.toMatch(/disagree \d+:\d+|\(\d+\)/);
    await page.getByTestId('thumb-heatmaps').check();
    await shot(page, 'curation-thumbs');
    // a good image marked defective needs a defect type: none is recorded silently
    await page.getByTestId('curation-source').selectOption('all');
    await page.getByTestId('queue-item').filter({ hasText: 'test/good/' }).first().click();
    await page.getByLabel('Reason').fill('a smudge at the rim');
    await page.getByTestId('curation-image').focus();
    await page.keyboard.press('d');
    expect(await page.getByRole('alert').filter({ hasText: 'Choose the defect type first' }).count()).toBe(1);
    expect(await page.getByTestId('pending-change').count()).toBe(0);
    const options = await page.getByTestId('defect-type').locator('option').allTextContents();
    expect(options).toEqual(expect.arrayContaining(['scratch', 'smudge', 'spot', 'unknown (none of these)']));
    await page.getByTestId('defect-type').selectOption('smudge');
    await page.getByTestId('curation-image').focus();
    await page.keyboard.press('d');
    await page.getByTestId('pending-change').first().waitFor();
    expect(await page.getByTestId('pending-change').first().textContent()).toContain('defective (smudge)');
    expect(await page.getByRole('button', { name: /Commit/ }).textContent()).toBe('Commit 1 change as a new version');
    await shot(page, 'curation-defect-type');
  });

  it('5. compliance: study targets for a new line, a summary row, history, and how many defective images the target needs', async () => {
    await importDemoDataset(api, platform.dataDir, 'flex-pages', 'flex');
    await open('/compliance', '[data-testid="line-summary"]');
    // a product line without targets starts with the study's (editable)
    const flex = page.locator('[data-testid="product-line"][data-line="flex"]');
    await flex.waitFor();
    expect(await flex.getByLabel('Max miss (%) for flex').inputValue()).toBe('0.5');
    expect(await flex.getByLabel('Max overkill (%) for flex').inputValue()).toBe('30');
    const lens = page.locator('[data-testid="product-line"][data-line="lens"]');
    expect(await lens.getByTestId('line-summary').textContent()).toMatch(/Best model: (patchcore|csflow)/);
    await lens.getByTestId('line-verdict').waitFor();
    // 30 defective test images can never show miss <= 0.5 % at 95 %: say so, and how many it takes
    const note = await lens.getByTestId('sample-size-note').textContent();
    expect(note).toMatch(/has \d+ defective images/);
    expect(note).toContain('736 defective test images');
    expect(note).toContain('598 for a one-sided bound');
    await lens.getByText('Miss rate over dataset versions').click();
    await lens.getByTestId('compliance-history').waitFor();
    await shot(page, 'compliance-detail');
  });

  it('6. datasets: counts per split and class, samples per class, why validation is 0, and an import form (folder and archive with progress)', async () => {
    await open('/datasets', '[data-testid="dataset-overview"]');
    await page.getByRole('button', { name: 'lens-pages' }).click();
    await page.getByTestId('dataset-overview').filter({ hasText: 'lens-pages' }).getByTestId('class-split-counts').waitFor();
    const counts = page.getByTestId('class-split-counts');
    expect(await counts.locator('thead th').allTextContents()).toEqual(['Class', 'train', 'validation', 'test']);
    expect(await counts.locator('tbody th').allTextContents()).toEqual(['good', 'scratch', 'smudge', 'spot', 'all']);
    expect(await page.getByTestId('sample-row').count()).toBe(4);
    expect(await page.getByTestId('validation-note').textContent()).toMatch(/carves its validation split/);

    // a folder inside the import root, through the form
    const folder = path.join(platform.dataDir, 'imports', 'smt-form');
    await generateDemoDataset({ productLine: 'smt', seed: 3, size: 48, subtleFraction: 0.5, counts: { trainGood: 6, testGood: 4, testDefective: 4 } }, folder);
    await page.getByText('Import a dataset').click();
    await page.getByLabel('Name', { exact: true }).fill('smt-form');
    await page.getByLabel('Product line', { exact: true }).fill('smt');
    await page.getByLabel('Folder', { exact: true }).fill('smt-form');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByTestId('import-result').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('import-result').textContent()).toMatch(/Imported smt-form \(smt\), 14 images, version 1/);

    // an archive upload, with a progress bar while it runs
    const archive = path.join(platform.dataDir, 'smt-upload.tar.gz');
    execFileSync('tar', ['-czf', archive, '-C', folder, '.']);
    await page.evaluate(() => {
      const w = window as unknown as { sawProgress: boolean };
      w.sawProgress = false;
      new MutationObserver(() => {
        if (document.querySelector('[data-testid="import-progress"] progress')) w.sawProgress = true;
      }).observe(document.body, { childList: true, subtree: true });
    });
    await page.getByLabel('upload an archive').check();
    await page.getByLabel('Name', { exact: true }).fill('smt-upload');
    await page.getByLabel('Archive', { exact: true }).setInputFiles(archive);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText(/Imported smt-upload \(smt\), 14 images/).waitFor({ timeout: 60_000 });
    expect(await page.evaluate(() => (window as unknown as { sawProgress: boolean }).sawProgress)).toBe(true);
    await shot(page, 'datasets-imported');
  });

  it('8. first start: a favicon, so no page load asks for a missing file', async () => {
    const res = await fetch(`${platform.webUrl}/icon.svg`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/svg/);
    await open('/', '[data-testid="api-status"]');
    expect(await page.locator('link[rel="icon"]').count()).toBeGreaterThan(0);
    expect(notFound).toEqual([]);
  });
});
