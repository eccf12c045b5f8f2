// Valid events and batches for the tests, with fresh ids: realistic shapes of every kind.
import { randomBytes } from 'node:crypto';
import type { Batch, CandorEvent } from '../../../generated/types';
import { newEventId, newInstallationId } from '../../../protocol/ids';
import { newOwnerSecret, ownerKeyHash } from '../../../protocol/owner-key';

export interface Installation {
  installationId: string;
  secret: string;
  hash: string;
  sessionId: string;
}

export function newInstallation(): Installation {
  const secret = newOwnerSecret();
  return { installationId: newInstallationId(), secret, hash: ownerKeyHash(secret), sessionId: randomBytes(16).toString('hex') };
}

const iso = (ms: number) => new Date(ms).toISOString();

function envelope(i: Installation, sequence: number, at: number) {
  return {
    id: newEventId(at),
    timestamp: iso(at),
    sequence,
    installationId: i.installationId,
    sessionId: i.sessionId,
    source: { extension: 'candor.candor', version: '0.1.0' },
    client: { candorVersion: '0.1.0', editorName: 'Visual Studio Code', editorVersion: '1.100.3', platform: 'linux' as const },
  };
}

export function usageEvent(i: Installation, sequence = 0, at = Date.now(), extra: Record<string, number> = {}): CandorEvent {
  return { ...envelope(i, sequence, at), kind: 'usage', name: 'candor.command', data: { properties: { command: 'candor.showPending', trigger: 'palette' }, measurements: { items: sequence % 7, ...extra } } };
}

export function performanceEvent(i: Installation, value: number, sequence = 0, at = Date.now()): CandorEvent {
  return { ...envelope(i, sequence, at), kind: 'performance', name: 'candor.flush', data: { value, unit: 'ms', properties: { queue: 'disk' } } };
}

export function errorEvent(i: Installation, sequence = 0, at = Date.now()): CandorEvent {
  return {
    ...envelope(i, sequence, at), kind: 'error', name: 'candor.error',
    data: { errorType: 'TypeError', message: 'Cannot read properties of undefined (reading <name>)', fatal: false, stack: [{ function: 'flush', file: 'dist/extension.js', line: 1, column: 2048 }] },
  } as CandorEvent;
}

/** A mix of kinds, as an editor session sends them. */
export function mixedEvents(i: Installation, n: number, at = Date.now()): CandorEvent[] {
  return Array.from({ length: n }, (_, k) => (k % 5 === 4 ? performanceEvent(i, 5 + k, k, at) : usageEvent(i, k, at)));
}

export function batchOf(i: Installation, events: CandorEvent[], sentAt = Date.now()): Batch {
  return { specVersion: '1.0', batchId: newEventId(), sentAt: iso(sentAt), installationId: i.installationId, ownerKeyHash: i.hash, events: events as Batch['events'] };
}
