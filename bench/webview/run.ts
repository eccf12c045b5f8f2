// The webview's figures: the pending list with 10,000 events in Debian's Chromium, against a bare
// reference measured in the same run (the same rows, all drawn at once, no windowing).
import type { Browser } from 'playwright-core';
import { stateMessage, viewState } from '../../test/fixtures/panel-state';
import { launchChromium } from '../../test/browser/support/browser';
import { PanelPage } from '../../test/browser/support/panel-page';
import { scrollFrames, timeNaiveList, timeSearch, timeState } from './measure';

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!; };
const ms = (x: number) => Math.round(x * 10) / 10;

/** One figure, in the shape of the bench runner's sections: the reference is measured in the same run. */
export interface Row { readonly measure: string; readonly value: string; readonly reference?: string; readonly ratio?: string; readonly target?: string; readonly met?: boolean }

export async function runWebviewBench(opts: { runs?: number; frames?: number } = {}): Promise<Row[]> {
  const runs = opts.runs ?? 5;
  const frames = opts.frames ?? 240;
  const browser: Browser = await launchChromium();
  try {
    const panel = await PanelPage.open(browser, { width: 1280, height: 860 });
    const states = Array.from({ length: runs + 1 }, (_, i) => stateMessage(viewState({ seed: 100 + i, batches: 20, eventsPerBatch: 500 })));
    await panel.page.evaluate(timeState, states[0]);
    const renders: number[] = [];
    for (const s of states.slice(1)) { renders.push(await panel.page.evaluate(timeState, s)); }
    // A live update: one collecting batch changed among 10,000 events.
    const last = states.at(-1) as { state: ReturnType<typeof viewState> };
    const fresh = viewState({ seed: 999, batches: 1, eventsPerBatch: 500, status: 'collecting' }).pending[0]!;
    const updates: number[] = [];
    for (let i = 0; i < runs; i++) {
      const changed = { ...fresh, body: fresh.body.replace('"sequence":0', `"sequence":${i + 1}`) };
      updates.push(await panel.page.evaluate(timeState, stateMessage({ ...last.state, pending: [...last.state.pending.slice(0, 19), { ...changed, sha256: 'f'.repeat(64) }] })));
    }
    await panel.list.focus();
    // A wheel moves a few rows a frame; a fling or a dragged scroll bar, a screenful.
    const wheel = await panel.page.evaluate(scrollFrames, { selector: '#pending-list', step: 24, frames });
    const scroll = await panel.page.evaluate(scrollFrames, { selector: '#pending-list', step: 600, frames });
    const drawn = (await panel.drawnRows()).length;
    const searches: number[] = [];
    for (const text of ['renderfailed', 'candor.heartbeat', 'palette', '']) { searches.push(await panel.page.evaluate(timeSearch, text)); }

    // The bare reference, in a fresh page of the same browser: every row in the DOM at once.
    const rows = last.state.pending.flatMap((b) => (JSON.parse(b.body) as { events: { name: string; kind: string; source: { extension: string } }[] }).events.map((e) => {
      const text = JSON.stringify(e);
      return { name: e.name, kind: e.kind, ext: e.source.extension, size: `${Buffer.byteLength(text)} B`, text: text.slice(0, 400) };
    }));
    const naivePage = await PanelPage.open(browser, { width: 1280, height: 860 });
    const naiveBuild = await naivePage.page.evaluate(timeNaiveList, rows);
    const naiveWheel = await naivePage.page.evaluate(scrollFrames, { selector: '#naive-list', step: 24, frames });
    const naiveScroll = await naivePage.page.evaluate(scrollFrames, { selector: '#naive-list', step: 600, frames });
    await naivePage.page.close();
    await panel.page.close();

    const frame = (xs: number[]) => `${ms(median(xs))} / ${ms(pct(xs, 95))} / ${ms(Math.max(...xs))} ms`;
    const render = median(renders);
    return [
      { measure: `10,000 events in 20 batches: state received → painted (median of ${runs})`, value: `${ms(render)} ms`, reference: `${ms(naiveBuild)} ms: every row drawn at once`, ratio: `${(render / naiveBuild).toFixed(2)}×`, target: '≤ 0.25× the reference', met: render <= 0.25 * naiveBuild },
      { measure: 'live update: one collecting batch changed among 10,000 events (median)', value: `${ms(median(updates))} ms`, reference: `${ms(render)} ms: the whole state`, ratio: `${(median(updates) / render).toFixed(2)}×` },
      { measure: `wheel, 24 px a frame for ${frames} frames: frame time p50 / p95 / max`, value: frame(wheel), reference: frame(naiveWheel), ratio: `${(pct(wheel, 95) / pct(naiveWheel, 95)).toFixed(2)}× (p95)`, target: 'p95 ≤ the reference', met: pct(wheel, 95) <= pct(naiveWheel, 95) },
      { measure: `fling, 600 px a frame for ${frames} frames: frame time p50 / p95 / max`, value: frame(scroll), reference: frame(naiveScroll), ratio: `${(pct(scroll, 95) / pct(naiveScroll, 95)).toFixed(2)}× (p95)` },
      { measure: 'rows in the DOM while 10,020 are listed', value: String(drawn), reference: String(rows.length), target: '< 100', met: drawn < 100 },
      { measure: 'search through the bytes of 10,000 events: keystroke → painted (median)', value: `${ms(median(searches))} ms` },
    ];
  } finally {
    await browser.close();
  }
}
