/** Layout checks for the page specs: screenshots at the widths people use, and what must be visible. */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { SCREENSHOT_DIR } from '../browser';

/** The widths every page must fit (a 1024 px laptop window, a 1440 px desktop). */
export const WIDTHS = [1024, 1440] as const;

export interface PageFit {
  readonly scrollWidth: number;
  readonly clientWidth: number;
  /** The nav bar's width: it must span the page, not stop short of a wider body. */
  readonly navWidth: number;
}

/** How wide the document is against the window. */
export async function pageFit(page: Page): Promise<PageFit> {
  return page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
    navWidth: document.querySelector('.topbar')?.getBoundingClientRect().width ?? 0,
  }));
}

/** A full-page screenshot kept as a test artifact under test-results/screenshots. */
export async function shot(page: Page, name: string): Promise<void> {
  const width = page.viewportSize()?.width ?? 0;
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `pages-${name}-${width}.png`), fullPage: true });
}

/** True when the text from `open` to `close` (the first match inside `selector`s) lies on one line. */
export async function bracketsOnOneLine(page: Page, selector: string): Promise<{ checked: number; broken: string[] }> {
  return page.evaluate((sel) => {
    const broken: string[] = [];
    let checked = 0;
    for (const el of Array.from(document.querySelectorAll(sel))) {
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const text = n.textContent ?? '';
        const start = text.indexOf('[');
        const end = text.indexOf(']', start);
        if (start < 0 || end < 0) continue;
        const range = document.createRange();
        range.setStart(n, start);
        range.setEnd(n, end + 1);
        const tops = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
        checked++;
        if (tops.size > 1) broken.push(text.slice(start, end + 1));
      }
    }
    return { checked, broken };
  }, selector);
}
