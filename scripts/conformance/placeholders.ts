// The placeholders of PROTOCOL.md §10 (HTTP exchanges), filled fresh for each file: ids, secrets and
// their hashes, named and unnamed UUIDv7s, the time of each step, the ingest token, and padding.
import { randomBytes } from 'node:crypto';
import { newEventId, newInstallationId } from '../../protocol/ids';
import { newOwnerSecret, ownerKeyHash } from '../../protocol/owner-key';

export class Placeholders {
  private readonly fixed: Record<string, string>;
  private readonly named = new Map<string, string>();

  constructor(ingestToken: string | undefined) {
    const ownerSecret = newOwnerSecret();
    let otherSecret = newOwnerSecret();
    while (otherSecret === ownerSecret) { otherSecret = newOwnerSecret(); }
    this.fixed = {
      installationId: newInstallationId(),
      installationId2: newInstallationId(),
      ownerSecret,
      ownerKeyHash: ownerKeyHash(ownerSecret),
      otherSecret,
      otherKeyHash: ownerKeyHash(otherSecret),
      sessionId: randomBytes(16).toString('hex'),
      ingestToken: ingestToken ?? '',
    };
  }

  /** The value of one placeholder's inner text, e.g. `now:-1000`, at time `nowMs`. */
  value(inner: string, nowMs: number): string {
    const fixed = this.fixed[inner];
    if (fixed !== undefined) { return fixed; }
    if (inner === 'uuidv7:#') { return newEventId(nowMs); }
    if (inner.startsWith('uuidv7:')) {
      let id = this.named.get(inner);
      if (id === undefined) { id = newEventId(nowMs); this.named.set(inner, id); }
      return id;
    }
    const now = /^now(?::([+-][0-9]+))?$/.exec(inner);
    if (now) { return new Date(nowMs + Number(now[1] ?? 0)).toISOString(); }
    const pad = /^pad:([0-9]+)$/.exec(inner);
    if (pad) { return 'x'.repeat(Number(pad[1])); }
    throw new Error(`unknown placeholder {{${inner}}}`);
  }

  /** A string with every placeholder filled. */
  fillString(text: string, nowMs: number): string {
    return text.replace(/\{\{([^}]*)\}\}/g, (_, inner: string) => this.value(inner, nowMs));
  }

  /** Any JSON value with its strings filled and, in request bodies, `{"$repeat": N, "item": X}` expanded. */
  fill(value: unknown, nowMs: number, expandRepeats: boolean): unknown {
    if (typeof value === 'string') { return this.fillString(value, nowMs); }
    if (Array.isArray(value)) { return value.map((v) => this.fill(v, nowMs, expandRepeats)); }
    if (value !== null && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      if (expandRepeats && typeof o.$repeat === 'number' && 'item' in o && Object.keys(o).length === 2) {
        return Array.from({ length: o.$repeat }, () => this.fill(o.item, nowMs, expandRepeats));
      }
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(o)) {
        Object.defineProperty(out, k, { value: this.fill(v, nowMs, expandRepeats), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    return value;
  }
}
