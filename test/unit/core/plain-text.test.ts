// Notifications (vscode.window.show*Message), status bar tooltips and the panel's text nodes show plain
// text: a backtick meant as markdown code shows as a backtick. Every sentence Candor builds for them is
// checked here, over every state that builds one, and the host's literal messages are read from source.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateConsent, type TelemetryLevel } from '../../../extension/core/consent/consent';
import { checkEndpoint } from '../../../extension/core/consent/endpoint-setting';
import { heldMessage } from '../../../extension/core/delivery/answer';
import { checkSettings } from '../../../extension/core/settings/pipeline-settings';
import { HoldAnnouncement } from '../../../extension/core/view/hold-announcement';
import { statusText } from '../../../extension/core/view/status-text';

const ROOT = path.resolve(__dirname, '../../..');
const LEVELS: TelemetryLevel[] = ['all', 'error', 'crash', 'off'];
const plain = (text: string) => expect(text, text).not.toMatch(/`/);

describe('text shown where markdown is not rendered', () => {
  it('the consent explanation and the status bar, in every state', () => {
    const statuses = [undefined, { pendingEvents: 2, awaitingReview: 0, paused: false }, { pendingEvents: 2, awaitingReview: 1, paused: true },
      { pendingEvents: 2, awaitingReview: 0, paused: false, lastFailure: { message: 'HTTP 503', at: 0 }, nextAttemptAt: 1 },
      { pendingEvents: 2, awaitingReview: 0, paused: false, lastFailure: { message: heldMessage({ status: 401, message: 'HTTP 401' }), at: 0, held: true as const } }];
    let seen = 0;
    for (const level of LEVELS) {
      for (const candorEnabled of [true, false]) {
        for (const [endpoint, endpointProblem] of [['https://t.example.com/', undefined], [undefined, undefined], [undefined, (checkEndpoint('http://t.example.com/') as { problem: string }).problem]] as const) {
          const state = evaluateConsent({ editorUsageEnabled: level === 'all', editorErrorsEnabled: level === 'all' || level === 'error', editorLevel: level, candorEnabled, endpoint, ...(endpointProblem ? { endpointProblem } : {}) });
          plain(state.explanation);
          for (const status of statuses) { const { text, detail } = statusText(state, status); plain(text); plain(detail); seen++; }
        }
      }
    }
    expect(seen).toBe(LEVELS.length * 2 * 3 * statuses.length);
  });

  it('the warnings about invalid settings, the hold and its notification', () => {
    const { problems } = checkSettings({ endpoint: 'ftp://x.example.com/', reviewBeforeSend: 'yes', maxEvents: 0, intervalSeconds: 1e9 });
    expect(problems.length).toBe(4);
    problems.forEach(plain);
    for (const status of [401, 403]) {
      const message = heldMessage({ status, code: status === 401 ? 'unauthorized' : 'forbidden', message: `HTTP ${status}` });
      plain(message);
      plain(new HoldAnnouncement().next({ pendingEvents: 1, awaitingReview: 0, paused: false, lastFailure: { message, at: 0, held: true } })!);
    }
  });

  it('the messages and tooltips written in the host glue', () => {
    const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
    // The first argument of each show*Message call and each tooltip assignment, when written as a literal.
    const shown = /(?:show(?:Information|Warning|Error)Message\(|tooltip\s*=)\s*(?:'((?:\\.|[^'\\])*)'|"((?:\\.|[^"\\])*)"|`((?:\\.|[^`\\])*)`)/g;
    const found = [path.join(ROOT, 'extension/extension.ts'), ...files(path.join(ROOT, 'extension/host'))]
      .flatMap((file) => [...readFileSync(file, 'utf8').matchAll(shown)].map((m) => ({ file, text: m[1] ?? m[2] ?? m[3] ?? '' })));
    expect(found.length).toBeGreaterThan(3);
    for (const { file, text } of found) { expect(text, path.relative(ROOT, file)).not.toMatch(/`|\\`/); }
  });
});
