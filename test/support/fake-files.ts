// An in-memory file system with faults on demand: a write that fails (ENOSPC), a write torn halfway, a
// folder deleted under Candor. What it holds is exactly what a killed process would leave on disk.
import type { AppendHandle, Files } from '../../extension/core/ports/files';

export type FileOp = 'append' | 'writeAtomic' | 'datasync' | 'openAppend' | 'read' | 'rename' | 'createExclusive';

export function fsError(code: string, message = code): Error {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

const parentOf = (p: string) => p.slice(0, Math.max(0, p.lastIndexOf('/'))) || '/';

export class FakeFiles implements Files {
  readonly data = new Map<string, Buffer>();
  readonly dirs = new Set<string>(['/']);
  private faults: { op: FileOp; error: Error; times: number; tornBytes?: number; pathIncludes?: string }[] = [];
  appends = 0;
  datasyncs = 0;

  /** The next `times` calls of `op` fail with `error` (an `append` may first write `tornBytes` of its data). */
  fail(op: FileOp, error: Error, options: { times?: number; tornBytes?: number; pathIncludes?: string } = {}): void {
    this.faults.push({ op, error, times: options.times ?? 1, tornBytes: options.tornBytes, pathIncludes: options.pathIncludes });
  }

  private fault(op: FileOp, path: string): { error: Error; tornBytes?: number } | undefined {
    const f = this.faults.find((x) => x.op === op && x.times > 0 && (!x.pathIncludes || path.includes(x.pathIncludes)));
    if (!f) { return undefined; }
    f.times--;
    return { error: f.error, tornBytes: f.tornBytes };
  }

  text(path: string): string { return this.data.get(path)?.toString('utf8') ?? ''; }
  /** Every path under `dir`. */
  under(dir: string): string[] { return [...this.data.keys()].filter((p) => p.startsWith(`${dir}/`)).sort(); }
  /** All stored bytes, for scanning for personal data. */
  allBytes(): string { return [...this.data.values()].map((b) => b.toString('utf8')).join('\n'); }

  async mkdirp(dir: string): Promise<void> {
    let d = dir;
    while (d && d !== '/') { this.dirs.add(d); d = parentOf(d); }
  }

  async list(dir: string): Promise<string[]> {
    if (!this.dirs.has(dir)) { return []; }
    const names = new Set<string>();
    for (const p of [...this.data.keys(), ...this.dirs]) {
      if (p.startsWith(`${dir}/`)) { names.add(p.slice(dir.length + 1).split('/')[0]!); }
    }
    return [...names].sort();
  }

  async read(path: string): Promise<Uint8Array | undefined> {
    const f = this.fault('read', path);
    if (f) { throw f.error; }
    const b = this.data.get(path);
    return b ? Buffer.from(b) : undefined;
  }

  private requireDir(path: string): void {
    if (!this.dirs.has(parentOf(path))) { throw fsError('ENOENT', `no such directory: ${parentOf(path)}`); }
  }

  async writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
    const f = this.fault('writeAtomic', path);
    if (f) { throw f.error; }
    this.requireDir(path);
    this.data.set(path, Buffer.from(data));
  }

  async createExclusive(path: string, data: string): Promise<boolean> {
    const f = this.fault('createExclusive', path);
    if (f) { throw f.error; }
    this.requireDir(path);
    if (this.data.has(path)) { return false; }
    this.data.set(path, Buffer.from(data));
    return true;
  }

  async rename(from: string, to: string): Promise<boolean> {
    const f = this.fault('rename', from);
    if (f) { throw f.error; }
    if (this.data.has(from)) {
      this.requireDir(to);
      this.data.set(to, this.data.get(from)!);
      this.data.delete(from);
      return true;
    }
    if (this.dirs.has(from)) {
      for (const p of [...this.data.keys()]) { if (p.startsWith(`${from}/`)) { this.data.set(to + p.slice(from.length), this.data.get(p)!); this.data.delete(p); } }
      for (const d of [...this.dirs]) { if (d === from || d.startsWith(`${from}/`)) { this.dirs.delete(d); this.dirs.add(to + d.slice(from.length)); } }
      return true;
    }
    return false;
  }

  async remove(path: string): Promise<void> {
    this.data.delete(path);
    for (const p of [...this.data.keys()]) { if (p.startsWith(`${path}/`)) { this.data.delete(p); } }
    for (const d of [...this.dirs]) { if (d === path || d.startsWith(`${path}/`)) { this.dirs.delete(d); } }
  }

  async removeEmptyDir(path: string): Promise<void> {
    if ((await this.list(path)).length === 0) { this.dirs.delete(path); }
  }

  /** Deletes a folder under a running Candor (a user cleaning up, another program). */
  deleteTree(path: string): void { void this.remove(path); }

  async openAppend(path: string): Promise<{ handle: AppendHandle; size: number }> {
    const f = this.fault('openAppend', path);
    if (f) { throw f.error; }
    this.requireDir(path);
    if (!this.data.has(path)) { this.data.set(path, Buffer.alloc(0)); }
    const files = this;
    const handle: AppendHandle = {
      async append(data: string) {
        const fault = files.fault('append', path);
        const bytes = Buffer.from(data);
        if (fault) {
          if (fault.tornBytes) { files.data.set(path, Buffer.concat([files.data.get(path) ?? Buffer.alloc(0), bytes.subarray(0, fault.tornBytes)])); }
          throw fault.error;
        }
        // Like a file whose folder was deleted: the write succeeds into a file nobody can see.
        if (!files.data.has(path)) { return; }
        files.appends++;
        files.data.set(path, Buffer.concat([files.data.get(path)!, bytes]));
      },
      async datasync() {
        const fault = files.fault('datasync', path);
        if (fault) { throw fault.error; }
        files.datasyncs++;
      },
      async truncate(length: number) {
        const b = files.data.get(path);
        if (b) { files.data.set(path, b.subarray(0, length)); }
      },
      async close() {},
    };
    return { handle, size: this.data.get(path)!.length };
  }
}
