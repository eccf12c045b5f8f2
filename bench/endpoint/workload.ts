// The benchmark's traffic: batches of 50 realistic events (usage with properties and measurements,
// performance, errors with scrubbed stacks, sessions, heartbeats; about 26 KB), from 1,000 installations,
// with fresh time-ordered ids on every request. Bodies are assembled from a template split at the values
// that change, so that making one costs the load generator microseconds, not a JSON.stringify.
import { randomBytes, randomFillSync } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { newInstallationId } from '../../protocol/ids';
import { newOwnerSecret, ownerKeyHash } from '../../protocol/owner-key';

export const EVENTS_PER_BATCH = 50;

// UUIDv7s for the load generator: the format of protocol/ids.ts, with the random bits taken from a pool
// filled in bulk (two randomBytes calls per id cost tens of microseconds, 51 times per request).
const pool = Buffer.alloc(64 * 1024);
let poolAt = pool.length;
let lastMs = 0;
let sequence = 0;
function uuidv7(ms: number): string {
  if (poolAt + 8 > pool.length) { randomFillSync(pool); poolAt = 0; }
  sequence = ms === lastMs ? sequence + 1 : 0;
  lastMs = ms;
  const time = ms.toString(16).padStart(12, '0');
  const counter = (0x7000 | (sequence & 0xfff)).toString(16);
  const variant = (0x8000 | (pool.readUInt16BE(poolAt) & 0x3fff)).toString(16);
  const rest = pool.toString('hex', poolAt + 2, poolAt + 8);
  poolAt += 8;
  return `${time.slice(0, 8)}-${time.slice(8)}-${counter}-${variant}-${rest}`;
}

interface Installation { id: string; hash: string; session: string }

const installations: Installation[] = Array.from({ length: 1000 }, () => {
  const secret = newOwnerSecret();
  return { id: newInstallationId(), hash: ownerKeyHash(secret), session: randomBytes(16).toString('hex') };
});

const COMMANDS = ['candor.showPending', 'editor.action.formatDocument', 'git.commit', 'workbench.action.findInFiles', 'gitGraph.openView', 'python.runLinting'];
const LANGUAGES = ['typescript', 'python', 'markdown', 'rust', 'go', 'json'];

/** One event with markers where the id, installation, session and time go. */
function eventTemplate(k: number): string {
  const envelope = (kind: string, name: string, extension: string) => ({
    id: '@ID@', kind, name, timestamp: '@TS@', sequence: k, installationId: '@INST@', sessionId: '@SESSION@',
    source: { extension, version: '2.14.3' },
    client: { candorVersion: '0.1.0', editorName: 'Visual Studio Code', editorVersion: '1.100.3', platform: 'linux' },
  });
  let event: object;
  switch (k % 10) {
    case 3:
      event = { ...envelope('performance', 'gitGraph.renderGraph', 'mhutchie.git-graph'), data: { value: 12.5 + k, unit: 'ms', properties: { commits: 'over-1000', layout: 'compact', language: LANGUAGES[k % 6]! } } };
      break;
    case 7:
      event = {
        ...envelope('error', 'gitGraph.commandFailed', 'mhutchie.git-graph'),
        data: {
          errorType: 'GitCommandError', fatal: false,
          message: 'git log exited with code 128: fatal: not a git repository: <path>',
          stack: [
            { function: 'GitCommand.run', file: 'dist/extension.js', line: 1, column: 20480 },
            { function: 'DataSource.getCommits', file: 'dist/extension.js', line: 1, column: 51237 },
            { function: 'GitGraphView.loadRepo', file: 'dist/extension.js', line: 1, column: 90113 },
          ],
          properties: { command: 'log', repoCount: 2 },
        },
      };
      break;
    case 9:
      event = { ...envelope('heartbeat', 'candor.heartbeat', 'candor.candor'), data: { intervalMs: 900000, activeMs: 612000 + k, counters: { usage: 31, performance: 6, error: 1, batchesDelivered: 2 }, drops: {} } };
      break;
    default:
      event = {
        ...envelope('usage', 'editor.commandRun', 'candor.candor'),
        data: {
          properties: { command: COMMANDS[k % 6]!, trigger: k % 2 ? 'palette' : 'keybinding' },
          measurements: { durationMs: 3 + (k % 17) },
        },
      };
  }
  return JSON.stringify(event);
}

const BATCH_TEMPLATE = `{"specVersion":"1.0","batchId":"@ID@","sentAt":"@SENT@","installationId":"@INST@","ownerKeyHash":"@HASH@","events":[${
  Array.from({ length: EVENTS_PER_BATCH }, (_, k) => eventTemplate(k)).join(',')}]}`;

// The template as bytes, with each marker replaced by a placeholder of its value's exact length, and the
// places to write the values at. A request copies the template and writes 51 ids, the times and the
// installation into it.
type Slot = 'id' | 'time' | 'inst' | 'hash' | 'session';
const WIDTH: Record<Slot, number> = { id: 36, time: 24, inst: 36, hash: 64, session: 32 };
const MARKERS: Record<string, Slot> = { '@ID@': 'id', '@SENT@': 'time', '@TS@': 'time', '@INST@': 'inst', '@HASH@': 'hash', '@SESSION@': 'session' };
const slots: { slot: Slot; at: number }[] = [];
let text = '';
for (const part of BATCH_TEMPLATE.split(/(@ID@|@SENT@|@INST@|@HASH@|@TS@|@SESSION@)/)) {
  const slot = MARKERS[part];
  if (slot === undefined) { text += part; continue; }
  slots.push({ slot, at: Buffer.byteLength(text) });
  text += '0'.repeat(WIDTH[slot]);
}
const TEMPLATE = Buffer.from(text);

/** A new batch body: a random installation, fresh UUIDv7s for the batch and every event. */
export function freshBatch(): Buffer {
  const inst = installations[Math.floor(Math.random() * installations.length)]!;
  const now = Date.now();
  const values: Record<Slot, () => string> = {
    id: () => uuidv7(now), time: () => nowIso, inst: () => inst.id, hash: () => inst.hash, session: () => inst.session,
  };
  const nowIso = new Date(now).toISOString();
  const body = Buffer.allocUnsafe(TEMPLATE.length);
  TEMPLATE.copy(body);
  for (const { slot, at } of slots) { body.write(values[slot](), at, 'latin1'); }
  return body;
}

/** `count` gzip bodies, made before a run so that compressing costs the load generator nothing during it. */
export function gzipPool(count: number): Buffer[] {
  return Array.from({ length: count }, () => gzipSync(freshBatch()));
}
