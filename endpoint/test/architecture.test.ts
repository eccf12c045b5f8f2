// The endpoint's layers, held by a test: the pipeline knows storage only by its interface, storage
// knows nothing of HTTP, and only storage touches the database drivers.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(__dirname, '../src');
const files = (dir: string) => readdirSync(path.join(SRC, dir), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => path.join(dir, f));
const imports = (file: string) => [...readFileSync(path.join(SRC, file), 'utf8').matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]!);
const offenders = (dir: string, forbidden: (i: string) => boolean) => files(dir).flatMap((f) => imports(f).filter(forbidden).map((i) => `${f} imports ${i}`));

describe('endpoint architecture', () => {
  it('storage never reaches into HTTP, the pipeline or fastify', () => {
    expect(offenders('storage', (i) => i === 'fastify' || i.includes('/http/') || i.includes('/ingest/') || i.includes('/server'))).toEqual([]);
  });

  it('only storage imports the database drivers, and the pipeline only the storage interface', () => {
    const drivers = (i: string) => i === 'pg' || i === 'better-sqlite3';
    expect([...offenders('ingest', drivers), ...offenders('http', drivers), ...offenders('analytics', drivers), ...offenders('data-rights', drivers)]).toEqual([]);
    expect(offenders('ingest', (i) => /\/(sqlite|postgres)\//.test(i))).toEqual([]);
    expect(files('storage').length).toBeGreaterThan(3);
  });
});
