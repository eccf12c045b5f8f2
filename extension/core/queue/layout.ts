// Where the queue lives on disk. Every window (extension host) owns one folder under `queue/`, so two
// windows never write to the same file and never interleave lines; a window that is gone leaves its
// folder to be adopted, file by file, by a live one (see ownership.ts).
//
//   <storage>/queue/<windowId>/owner.json      who owns the folder: {pid, windowId, createdAt}
//   <storage>/queue/<windowId>/log-<n>.jsonl   events collected and not yet sealed, one compact JSON per line
//   <storage>/queue/<windowId>/<batchId>.batch a sealed batch: a line of metadata, then the exact body bytes
//   <storage>/queue/<windowId>/<batchId>.approved   the digest the user approved in review mode
//   <storage>/queue/<windowId>/ledger.jsonl    what happened to each event after it was queued
//   <storage>/queue/<windowId>/state.json      delivery history, refused events, drop counts
//   <storage>/quarantine/                      damaged parts of queue files, moved aside by the repair
import { joinPath } from '../ports/files';

export const OWNER_FILE = 'owner.json';
export const STATE_FILE = 'state.json';
export const LEDGER_FILE = 'ledger.jsonl';

export const queueRoot = (storage: string) => joinPath(storage, 'queue');
export const windowDir = (storage: string, windowId: string) => joinPath(storage, 'queue', windowId);
export const quarantineDir = (storage: string) => joinPath(storage, 'quarantine');

export const isLogFile = (name: string) => /^log-[A-Za-z0-9_.-]+\.jsonl$/.test(name);
export const isBatchFile = (name: string) => /^[0-9a-f-]{36}\.batch$/.test(name);
export const isApprovalFile = (name: string) => /^[0-9a-f-]{36}\.approved$/.test(name);
export const isWindowDirName = (name: string) => /^w-[A-Za-z0-9_-]{1,64}$/.test(name);

export const batchFile = (batchId: string) => `${batchId}.batch`;
export const approvalFile = (batchId: string) => `${batchId}.approved`;

let logCounter = 0;
/** A new log file name that sorts after every earlier one of this process. */
export function newLogName(nowMs: number): string {
  logCounter = (logCounter + 1) % 1_000_000;
  return `log-${nowMs.toString(36).padStart(9, '0')}-${logCounter.toString(36).padStart(4, '0')}.jsonl`;
}
