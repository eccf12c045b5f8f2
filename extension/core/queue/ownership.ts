// Which window owns which queue folder. A folder appears with its owner file already inside (made aside,
// then renamed into place), so no window ever sees a live folder without an owner. A folder whose owner
// process is gone, or that its owner released at shutdown, is an orphan: a live window moves its files
// into its own folder one rename at a time. A rename either happens or not, so when two windows adopt
// the same orphan at once, each file still ends up in exactly one of them, and is delivered once.
import type { ProcessFacts } from '../ports/environment';
import { joinPath, type Files } from '../ports/files';
import { OWNER_FILE, isApprovalFile, isBatchFile, isLogFile, isWindowDirName, LEDGER_FILE, queueRoot, STATE_FILE, windowDir } from './layout';

export interface OwnerRecord { readonly pid: number; readonly windowId: string; readonly createdAt: number }

function parseOwner(bytes: Uint8Array | undefined): OwnerRecord | undefined {
  if (!bytes) { return undefined; }
  try {
    const v = JSON.parse(Buffer.from(bytes).toString('utf8')) as Partial<OwnerRecord>;
    if (typeof v.pid === 'number' && Number.isInteger(v.pid) && v.pid > 0 && typeof v.windowId === 'string') { return v as OwnerRecord; }
  } catch { /* damaged: treated as no owner */ }
  return undefined;
}

/** Makes this window's folder, owner file included, in one visible step. */
export async function claimWindowDir(files: Files, storage: string, windowId: string, process: ProcessFacts, nowMs: number): Promise<string> {
  const root = queueRoot(storage);
  const dir = windowDir(storage, windowId);
  await files.mkdirp(root);
  const staging = joinPath(root, `.new-${windowId}`);
  await files.remove(staging);
  await files.mkdirp(staging);
  await files.writeAtomic(joinPath(staging, OWNER_FILE), JSON.stringify({ pid: process.pid, windowId, createdAt: nowMs } satisfies OwnerRecord));
  if (!(await files.rename(staging, dir))) { throw new Error(`could not create the queue folder ${dir}`); }
  return dir;
}

/** Gives the folder up at shutdown: from now on a live window may adopt what is left in it. */
export async function releaseWindowDir(files: Files, dir: string): Promise<void> {
  await files.remove(joinPath(dir, OWNER_FILE));
}

export interface Adopted {
  /** Names (in this window's folder) of the files moved in. */
  readonly logs: string[];
  readonly batches: string[];
  readonly approvals: string[];
  /** Files from the orphans that hold history and counts, moved in under new names, to merge. */
  readonly states: string[];
  readonly ledgers: string[];
}

/**
 * Moves the files of every orphaned window folder into `myDir`. Safe to run in several windows at once.
 * Returns what this window took.
 */
export async function adoptOrphans(files: Files, storage: string, myWindowId: string, myDir: string, process: ProcessFacts): Promise<Adopted> {
  const adopted: Adopted = { logs: [], batches: [], approvals: [], states: [], ledgers: [] };
  const root = queueRoot(storage);
  for (const name of await files.list(root)) {
    if (!isWindowDirName(name) || name === myWindowId) { continue; }
    const dir = joinPath(root, name);
    const owner = parseOwner(await files.read(joinPath(dir, OWNER_FILE)));
    if (owner && owner.windowId === name && process.isAlive(owner.pid)) { continue; }
    for (const file of await files.list(dir)) {
      const from = joinPath(dir, file);
      if (isBatchFile(file) || isApprovalFile(file)) {
        if (await files.rename(from, joinPath(myDir, file))) { (isBatchFile(file) ? adopted.batches : adopted.approvals).push(file); }
      } else if (isLogFile(file)) {
        const to = `log-adopted-${name}-${file.slice(4)}`;
        if (await files.rename(from, joinPath(myDir, to))) { adopted.logs.push(to); }
      } else if (file.endsWith(STATE_FILE) || file.endsWith(LEDGER_FILE)) {
        // Includes files this orphan had itself adopted and not yet merged when it stopped.
        const to = `adopted-${name}-${file}`;
        if (await files.rename(from, joinPath(myDir, to))) { (file.endsWith(STATE_FILE) ? adopted.states : adopted.ledgers).push(to); }
      }
    }
    await files.remove(joinPath(dir, OWNER_FILE));
    await files.removeEmptyDir(dir);
  }
  return adopted;
}
