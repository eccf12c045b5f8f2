// PASSIVE checkpoints that catch up with a steady stream of commits (the reason is at the top of
// checkpointer.ts). The checkpoint worker is handed this function's source, so it uses nothing from
// outside its own body.

/** What `PRAGMA wal_checkpoint` answers: the WAL's frames when the pass began, and how many are copied. */
export interface PassResult {
  log: number;
  checkpointed: number;
}

/**
 * Runs `checkpoint` (one PASSIVE pass; undefined when it could not run) again while commits landed
 * during the pass before, at most `maxPasses` times in all, and returns the last pass's answer.
 *
 * A pass copies only the frames committed before it began. Each further pass has only what was
 * committed during the pass before it to copy, so it is shorter, and between commits a few milliseconds
 * apart one soon ends with nothing committed during it: then the whole WAL is copied, and the next
 * commit starts the WAL over from its beginning (SQLite does that when it finds every frame copied).
 * A pass that finds fewer frames than the one before found the WAL already started over.
 */
export function checkpointPasses(checkpoint: () => PassResult | undefined, maxPasses: number): PassResult | undefined {
  let last = checkpoint();
  for (let pass = 1; last !== undefined && pass < maxPasses; pass++) {
    const next = checkpoint();
    if (next === undefined) { break; }
    const caughtUp = next.log <= last.log;
    last = next;
    if (caughtUp) { break; }
  }
  return last;
}
