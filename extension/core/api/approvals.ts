// Event names that an extension added in an updated catalogue wait for the user's approval before their
// first delivery (the registry reports them at registration). Once the user approves a batch holding
// such an event in the panel, that name is approved for good. The set is kept across sessions.
import type { EventMeta } from '../queue/queued-event';

export interface NameStore {
  get(): readonly string[];
  set(names: readonly string[]): Promise<void> | Thenable<void>;
}

export class NewNameApprovals {
  private readonly waiting: Set<string>;

  constructor(private readonly store: NameStore) {
    this.waiting = new Set(store.get().filter((n) => typeof n === 'string'));
  }

  private static key(extension: string, name: string): string { return `${extension}/${name}`; }

  /** Names an updated catalogue of `extension` added. */
  added(extension: string, names: readonly string[]): void {
    for (const n of names) { this.waiting.add(NewNameApprovals.key(extension, n)); }
    void this.store.set([...this.waiting]);
  }

  /** Whether this event waits for the user's approval (the pipeline's `needsApproval` hook). */
  needsApproval = (event: EventMeta): boolean => this.waiting.size > 0 && this.waiting.has(NewNameApprovals.key(event.extension, event.name));

  /** The user approved these events (exactly the bytes shown): their names need no approval any more. */
  approved(events: readonly EventMeta[]): void {
    let changed = false;
    for (const e of events) { changed = this.waiting.delete(NewNameApprovals.key(e.extension, e.name)) || changed; }
    if (changed) { void this.store.set([...this.waiting]); }
  }
}
