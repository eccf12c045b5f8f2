// Screenshots of the panel in the editor's light, dark and high-contrast themes, kept as test artifacts
// (.test-artifacts/webview/, not committed) for a person to look at. Each theme must colour the page.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { viewState } from '../fixtures/panel-state';
import type { Theme } from './support/panel-page';
import { panelSuite } from './support/suite';

const OUT = path.resolve(__dirname, '../../.test-artifacts/webview');
const suite = panelSuite();
beforeAll(() => { mkdirSync(OUT, { recursive: true }); });

const BACKGROUND: Record<Theme, string> = { light: 'rgb(255, 255, 255)', dark: 'rgb(31, 31, 31)', 'hc-dark': 'rgb(0, 0, 0)' };

describe.each(['light', 'dark', 'hc-dark'] as const)('in the %s theme', (theme) => {
  it('shows the pending events with an event open, and the consent screen', async () => {
    const panel = await suite.open({ theme, width: 1280, height: 860 });
    await panel.sendState(viewState({ batches: 3, eventsPerBatch: 40, hostile: true }));
    expect(await panel.page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(BACKGROUND[theme]);
    await panel.goToRow(3);
    await panel.page.keyboard.press(' ');
    await panel.screenshot(path.join(OUT, `pending-${theme}.png`));
    await panel.openTab('consent');
    await panel.screenshot(path.join(OUT, `consent-${theme}.png`));
  });
});
