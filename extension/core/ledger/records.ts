// What the panel shows besides the pending batches: the recent deliveries, the events the endpoint
// refused (with its reason), and how many events were dropped and why. Drop counts are kept twice:
// since installation (the panel) and since the last heartbeat (the heartbeat event of the API issue
// reports them and then resets that count).
import type { Delivery, ReasonCode, RejectedEvent } from '../../../generated/types';

export const HISTORY_LIMIT = 200;
export const REJECTED_LIMIT = 1000;

export type DropCounts = Partial<Record<ReasonCode, number>>;

export interface RecordsState {
  readonly history: Delivery[];
  readonly rejected: RejectedEvent[];
  readonly drops: DropCounts;
  readonly dropsSinceHeartbeat: DropCounts;
}

export class Records {
  private state: RecordsState = { history: [], rejected: [], drops: {}, dropsSinceHeartbeat: {} };

  constructor(private readonly changed: () => void) {}

  get history(): readonly Delivery[] { return this.state.history; }
  get rejected(): readonly RejectedEvent[] { return this.state.rejected; }
  get drops(): DropCounts { return this.state.drops; }

  addDelivery(delivery: Delivery): void {
    this.state.history.unshift(delivery);
    this.state.history.length = Math.min(this.state.history.length, HISTORY_LIMIT);
    this.changed();
  }

  addRejected(events: readonly RejectedEvent[]): void {
    if (events.length === 0) { return; }
    this.state.rejected.unshift(...[...events].reverse());
    this.state.rejected.length = Math.min(this.state.rejected.length, REJECTED_LIMIT);
    this.changed();
  }

  countDrop(code: ReasonCode, n: number): void {
    if (n <= 0) { return; }
    this.state.drops[code] = (this.state.drops[code] ?? 0) + n;
    this.state.dropsSinceHeartbeat[code] = (this.state.dropsSinceHeartbeat[code] ?? 0) + n;
    this.changed();
  }

  /** The drops since the last call, for the next heartbeat; the count starts again from zero. */
  takeDropsSinceHeartbeat(): DropCounts {
    const taken = this.state.dropsSinceHeartbeat;
    this.state = { ...this.state, dropsSinceHeartbeat: {} };
    this.changed();
    return taken;
  }

  peekDropsSinceHeartbeat(): DropCounts { return { ...this.state.dropsSinceHeartbeat }; }

  toJSON(): RecordsState { return this.state; }

  /** Adds what another window recorded (its state file, adopted) or what this window saved before. */
  merge(other: unknown): void {
    const o = readState(other);
    const history = [...this.state.history, ...o.history].sort((a, b) => b.at.localeCompare(a.at)).slice(0, HISTORY_LIMIT);
    const rejected = [...this.state.rejected, ...o.rejected].sort((a, b) => b.at.localeCompare(a.at)).slice(0, REJECTED_LIMIT);
    const add = (a: DropCounts, b: DropCounts) => {
      const out: DropCounts = { ...a };
      for (const [k, v] of Object.entries(b) as [ReasonCode, number][]) { out[k] = (out[k] ?? 0) + v; }
      return out;
    };
    this.state = { history, rejected, drops: add(this.state.drops, o.drops), dropsSinceHeartbeat: add(this.state.dropsSinceHeartbeat, o.dropsSinceHeartbeat) };
    this.changed();
  }

  clear(): void {
    this.state = { history: [], rejected: [], drops: {}, dropsSinceHeartbeat: {} };
    this.changed();
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A saved state file is input from disk: keep only what has the right shape. */
function readState(value: unknown): RecordsState {
  const v = isObject(value) ? value : {};
  const counts = (c: unknown): DropCounts => {
    const out: DropCounts = {};
    if (isObject(c)) {
      for (const [k, n] of Object.entries(c)) {
        if (/^[a-z_]{1,40}$/.test(k) && typeof n === 'number' && Number.isSafeInteger(n) && n > 0) { out[k as ReasonCode] = n; }
      }
    }
    return out;
  };
  const list = <T>(l: unknown, keys: readonly string[], limit: number): T[] =>
    (Array.isArray(l) ? l : []).filter((x) => isObject(x) && keys.every((k) => k in x) && typeof x.at === 'string').slice(0, limit) as T[];
  return {
    history: list<Delivery>(v.history, ['batchId', 'endpoint', 'at', 'outcome', 'bytes', 'eventCount'], HISTORY_LIMIT),
    rejected: list<RejectedEvent>(v.rejected, ['eventId', 'name', 'extension', 'batchId', 'code', 'message', 'at'], REJECTED_LIMIT),
    drops: counts(v.drops),
    dropsSinceHeartbeat: counts(v.dropsSinceHeartbeat),
  };
}
