// One Chromium per test file, a fresh panel page per test, and the checks every test ends with: no
// script error, and no CSP violation (tests that force violations on purpose say so).
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { launchChromium } from './browser';
import { PanelPage } from './panel-page';

export interface PanelSuite {
  readonly browser: Browser;
  /** Opens the panel; the page is closed after the test. */
  open(opts?: Parameters<typeof PanelPage.open>[1]): Promise<PanelPage>;
  /** This test provokes CSP violations on purpose: do not fail it for them. */
  expectViolations(): void;
}

export function panelSuite(): PanelSuite {
  let browser: Browser | undefined;
  let pages: PanelPage[] = [];
  let violationsExpected = false;
  beforeAll(async () => { browser = await launchChromium(); });
  afterAll(async () => { await browser?.close(); });
  afterEach(async () => {
    for (const p of pages) {
      expect(p.errors, 'script errors in the page').toEqual([]);
      if (!violationsExpected) { expect(await p.violations(), 'CSP violations').toEqual([]); }
      await p.page.close();
    }
    pages = [];
    violationsExpected = false;
  });
  return {
    get browser() { return browser!; },
    async open(opts) { const p = await PanelPage.open(browser!, opts); pages.push(p); return p; },
    expectViolations() { violationsExpected = true; },
  };
}
