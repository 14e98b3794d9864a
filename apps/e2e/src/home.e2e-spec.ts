import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser, SCREENSHOT_DIR } from './browser';
import { removeDataDir, startPlatform, type RunningPlatform } from './platform-process';

describe('the README start command on a fresh data folder, without PostgreSQL', () => {
  let platform: RunningPlatform;
  let browser: Browser;

  beforeAll(async () => {
    platform = await startPlatform();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    if (platform) removeDataDir(platform.dataDir);
  });

  it('prints a short banner (URLs, the admin token, data, log, how to stop) and keeps request logs off the console', async () => {
    const out = platform.output();
    expect(out).toContain(platform.webUrl);
    expect(out).toContain(`${platform.apiUrl}/api/health`);
    // a fresh folder without DEFECTLAB_ADMIN_TOKEN: the bootstrap admin's token, in the banner
    expect(out).toMatch(/Admin token\s+dl_[A-Za-z0-9_-]+\s+\(shown once/);
    expect(out).toContain(path.join(platform.dataDir, 'logs', 'defectlab.log'));
    expect(out).toContain('Ctrl-C');
    expect(out).not.toMatch(/"msg":"request"/);
    expect(out).not.toMatch(/Mapped \{/); // Nest's ~40 route lines went to the log file
    expect(out.split('\n').filter((l) => l.startsWith('{')).length).toBe(0);
    expect(readFileSync(path.join(platform.dataDir, 'logs', 'defectlab.log'), 'utf8')).toMatch(/"msg":"database ready"/);
    const res = await fetch(`${platform.apiUrl}/api/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { database: { kind: string; description: string } };
    expect(body.database.kind).toBe('pglite');
    expect(body.database.description).toMatch(/PGlite/);
    expect(JSON.stringify(body)).not.toContain(platform.dataDir); // a public answer names no server paths
  });

  it('renders the home page in a real browser, which reaches the API through the web origin', async () => {
    const page = await browser.newPage();
    const offsite: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('http://127.0.0.1') && !r.url().startsWith('data:')) offsite.push(r.url());
    });
    await page.goto(platform.webUrl);
    await page.getByTestId('api-status').waitFor();
    expect(await page.getByTestId('api-status').textContent()).toBe('API up');
    expect(await page.getByTestId('db-kind').textContent()).toBe('PGlite (embedded)');
    // the page shows the database in words, never the server's data folder
    expect(await page.getByTestId('db-where').textContent()).toMatch(/PGlite/);
    expect(await page.getByTestId('db-where').textContent()).not.toContain(platform.dataDir);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'home.png'), fullPage: true });
    expect(offsite).toEqual([]);
  });
});

describe('a second start on the same data folder', () => {
  it('reopens the existing database and keeps its schema version', async () => {
    const first = await startPlatform();
    const before = (await (await fetch(`${first.apiUrl}/api/health`)).json()) as { database: { schemaVersion: string } };
    await first.stop();
    const second = await startPlatform({ dataDir: first.dataDir });
    try {
      const after = (await (await fetch(`${second.apiUrl}/api/health`)).json()) as { database: { schemaVersion: string } };
      expect(after.database.schemaVersion).toBe(before.database.schemaVersion);
      // the full JSON log is in the data folder's log file (the console shows a banner): this start applied nothing
      const log = readFileSync(path.join(first.dataDir, 'logs', 'defectlab.log'), 'utf8');
      const thisStart = log.slice(log.lastIndexOf('[defectlab] npm start at'));
      expect(thisStart).toMatch(/"applied":\[\]/);
    } finally {
      await second.stop();
      removeDataDir(first.dataDir);
    }
  });
});
