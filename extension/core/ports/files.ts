// The file system, behind an interface: the queue, identity and ledger are plain files under the
// extension's global storage. The real adapter (extension/node/node-files.ts) gives every call a timeout;
// the fake one (tests) can fail, tear or lose writes on demand.

/** An open file that only grows: the queue's log of collected events. */
export interface AppendHandle {
  /** Appends all of `data` at the end. Resolves when the OS has it (a killed process no longer loses it). */
  append(data: string): Promise<void>;
  /** Flushes it to the disk itself (a power loss no longer loses it). */
  datasync(): Promise<void>;
  /** Cuts the file back to `length` bytes: undoes a write that failed halfway. */
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

export interface Files {
  /** Creates the folder and its parents; no error if it exists. */
  mkdirp(dir: string): Promise<void>;
  /** The names in a folder; empty if the folder does not exist. */
  list(dir: string): Promise<string[]>;
  /** The file's bytes, or undefined if it does not exist. */
  read(path: string): Promise<Uint8Array | undefined>;
  /** Replaces the file in one step (write aside, flush, rename), so a reader sees the old or the new bytes, never a mix. */
  writeAtomic(path: string, data: string | Uint8Array): Promise<void>;
  /** Creates the file only if it does not exist (atomic); false when it already existed. */
  createExclusive(path: string, data: string): Promise<boolean>;
  /** Renames in one step; false when `from` no longer exists (someone else took it first). */
  rename(from: string, to: string): Promise<boolean>;
  /** Removes a file or folder with its contents; no error if it is already gone. */
  remove(path: string): Promise<void>;
  /** Removes a folder only if it is empty; no error if it is not empty or already gone. */
  removeEmptyDir(path: string): Promise<void>;
  /** Opens a file for appending, creating it if needed; `size` is its length when opened. */
  openAppend(path: string): Promise<{ handle: AppendHandle; size: number }>;
}

/** Joins path segments with `/`; every path the core builds goes through here so the fakes stay simple. */
export function joinPath(...parts: string[]): string {
  return parts.join('/').replace(/\/{2,}/g, '/');
}
