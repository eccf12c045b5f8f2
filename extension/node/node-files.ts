// The file system for the core (ports/files.ts), on Node's fs/promises: asynchronous, each call with a
// timeout so that a hung disk (a network home folder) never hangs Candor, and atomic replacement by
// write-aside, flush, rename.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { AppendHandle, Files } from '../core/ports/files';

export const FILE_TIMEOUT_MS = 10_000;

function withTimeout<T>(what: string, work: Promise<T>, ms = FILE_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what} took longer than ${ms / 1000} s`), { code: 'ETIMEDOUT' })), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

const code = (e: unknown) => (e as NodeJS.ErrnoException | null)?.code;

async function syncDir(dir: string): Promise<void> {
  // Makes a rename durable; not possible on every platform (Windows refuses to open a folder), which is fine.
  try { const h = await fs.open(dir, 'r'); try { await h.sync(); } finally { await h.close(); } } catch { /* best effort */ }
}

export const nodeFiles: Files = {
  mkdirp: (dir) => withTimeout('creating a folder', fs.mkdir(dir, { recursive: true }).then(() => {})),

  list: (dir) => withTimeout('listing a folder', fs.readdir(dir).catch((e) => { if (code(e) === 'ENOENT') { return []; } throw e; })),

  read: (file) => withTimeout('reading a file', fs.readFile(file).catch((e) => { if (code(e) === 'ENOENT') { return undefined; } throw e; })),

  writeAtomic: (file, data) => withTimeout('writing a file', (async () => {
    const aside = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    const h = await fs.open(aside, 'w');
    try { await h.writeFile(data); await h.sync(); } finally { await h.close(); }
    try { await fs.rename(aside, file); } catch (e) { await fs.rm(aside, { force: true }); throw e; }
    await syncDir(path.dirname(file));
  })()),

  createExclusive: (file, data) => withTimeout('creating a file', (async () => {
    let h;
    try { h = await fs.open(file, 'wx'); } catch (e) { if (code(e) === 'EEXIST') { return false; } throw e; }
    try { await h.writeFile(data); await h.sync(); } finally { await h.close(); }
    await syncDir(path.dirname(file));
    return true;
  })()),

  rename: (from, to) => withTimeout('renaming', fs.rename(from, to).then(() => true, (e) => { if (code(e) === 'ENOENT') { return false; } throw e; })),

  remove: (target) => withTimeout('removing', fs.rm(target, { recursive: true, force: true })),

  removeEmptyDir: (dir) => withTimeout('removing a folder', fs.rmdir(dir).catch((e) => {
    if (['ENOENT', 'ENOTEMPTY', 'EEXIST', 'EBUSY', 'EPERM'].includes(code(e) ?? '')) { return; }
    throw e;
  })),

  openAppend: (file) => withTimeout('opening the queue', (async () => {
    const h = await fs.open(file, 'a');
    const { size } = await h.stat();
    const handle: AppendHandle = {
      async append(data) {
        let buffer = Buffer.from(data, 'utf8');
        // One write normally takes everything; a short write is continued, never left torn.
        while (buffer.length > 0) {
          const { bytesWritten } = await withTimeout('writing the queue', h.write(buffer, 0, buffer.length, null));
          buffer = buffer.subarray(bytesWritten);
        }
      },
      datasync: () => withTimeout('flushing the queue to disk', h.datasync()),
      truncate: (length) => withTimeout('cutting back the queue', h.truncate(length)),
      close: () => withTimeout('closing the queue', h.close()),
    };
    return { handle, size };
  })()),
};
