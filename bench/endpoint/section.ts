// `npm run bench -- endpoint`: the reference endpoint over loopback against references measured in the
// same run on the same machine (see bare-server.ts and http-layer-server.ts), 10 connections, batches of
// 50 realistic events with fresh ids (workload.ts). The load generator is autocannon, in this process:
// it keeps its connections alive and measures latency with HDR histograms, and its per-request cost is
// the same for the endpoint and for each reference.
import autocannon from 'autocannon';
import * as esbuild from 'esbuild';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDatabase, startPostgresCluster } from '../../endpoint/testing/postgres-cluster.mjs';
import { startEndpoint } from '../../endpoint/testing/start-endpoint.mjs';
import { EVENTS_PER_BATCH, freshBatch, gzipPool } from './workload';

interface Options { quick: boolean; durationSeconds?: number; root: string; cache: string }
interface Row { figure: string; value: number; unit: string; reference?: string; referenceValue?: number; ratio?: number; target?: string; pass?: boolean }
interface Server { url: string; pid: number | undefined; stop(): Promise<unknown> }
interface Load { rate: number; p50: number; p99: number }

const CONNECTIONS = 10;
const TOKEN = 'bench-ingest-token-0123456789abcdef';
const ENDPOINT_FLAGS = ['--rate-limit-address', '10000000', '--rate-limit-installation', '10000000'];

export async function run(options: Options): Promise<{ title: string; rows: Row[] }> {
  const seconds = options.durationSeconds ?? (options.quick ? 3 : 10);
  const rssSeconds = options.quick ? 15 : 60;
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'candor-bench-'));
  const servers = await bundleServers(options);
  const rows: Row[] = [];
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const cluster = await startPostgresCluster({ durable: true });
  try {
    const measure = async (name: string, server: Server, path: string, body: () => Buffer, extra: Partial<autocannon.Options> = {}, headers: Record<string, string> = {}): Promise<Load> => {
      // A short warm-up first, so that the JIT and the database caches are not measured.
      await load(server.url, path, body, Math.min(2, seconds), headers, extra);
      const result = await load(server.url, path, body, seconds, headers, extra);
      log(`${name}: ${Math.round(result.rate)} requests/s, p50 ${result.p50} ms, p99 ${result.p99} ms`);
      return result;
    };
    const withToken = { authorization: `Bearer ${TOKEN}` };
    const json = { 'content-type': 'application/json' };

    // HTTP layer.
    const bareParse = await withServer(startBare(servers.bare, 'parse'), (s) => measure('bare node:http + JSON.parse', s, '/', freshBatch));
    const noop = await withServer(startBare(servers.httpLayer, ...['--database', `sqlite:${path.join(scratch, 'noop.db')}`, '--ingest-token', TOKEN, ...ENDPOINT_FLAGS]),
      (s) => measure('endpoint HTTP layer, no-op route', s, '/bench/noop', freshBatch, {}, { ...json, ...withToken }));
    rows.push(ratioRow('HTTP layer on a no-op route (routing, token, rate limit, admission, media type, body limits, JSON)', noop.rate, 'requests/s', 'bare node:http + JSON.parse', bareParse.rate, 0.85));

    // SQLite.
    const bareValidate = await withServer(startBare(servers.bare, 'validate'), (s) => measure('bare + validation of each event', s, '/', freshBatch));
    rows.push({ figure: 'reference: bare node:http + JSON.parse + generated validator per event', value: bareValidate.rate, unit: 'requests/s' });
    const bareSqlite = await withServer(startBare(servers.bare, 'sqlite', path.join(scratch, 'bare.db')), (s) => measure('bare + validation + better-sqlite3 insert', s, '/', freshBatch));
    let sqliteRate = 0;
    const sqliteDb = `sqlite:${path.join(scratch, 'endpoint.db')}`;
    await withServer(startEndpoint({ database: sqliteDb, ingestTokens: [TOKEN], args: ENDPOINT_FLAGS }), async (s) => {
      const stored = await measure('endpoint on SQLite', s, '/v1/batch', freshBatch, {}, { ...json, ...withToken });
      sqliteRate = stored.rate;
      rows.push(ratioRow('storing on SQLite', stored.rate * EVENTS_PER_BATCH, 'events/s', 'bare validate + better-sqlite3 insert', bareSqlite.rate * EVENTS_PER_BATCH, 0.7));

      const half = await measure('endpoint on SQLite at half that rate', s, '/v1/batch', freshBatch, { overallRate: Math.max(1, Math.round(stored.rate / 2)) }, { ...json, ...withToken });
      rows.push({ figure: `p99 latency on SQLite at half its rate (${Math.round(stored.rate / 2)} requests/s)`, value: half.p99, unit: 'ms', target: '≤ 10 ms', pass: half.p99 <= 10 });

      const pool = gzipPool(Math.ceil(stored.rate * (seconds + Math.min(2, seconds)) * 1.5) + 100);
      let next = 0;
      const gzip = await measure('endpoint on SQLite, gzip bodies', s, '/v1/batch', () => pool[next++ % pool.length]!, {}, { ...json, ...withToken, 'content-encoding': 'gzip' });
      rows.push(ratioRow('gzip bodies on SQLite', gzip.rate, 'requests/s', 'plain bodies, same endpoint', stored.rate, 0.9));

      // The same bodies again: every event is already stored (the dedup path).
      const stale = Array.from({ length: 200 }, () => freshBatch());
      for (const body of stale) {
        const answer = await fetch(`${s.url}/v1/batch`, { method: 'POST', body, headers: { ...json, ...withToken } });
        if (answer.status !== 200) { throw new Error(`storing the resend set: ${answer.status}`); }
      }
      let k = 0;
      const resend = await measure('endpoint on SQLite, resending stored events', s, '/v1/batch', () => stale[k++ % stale.length]!, {}, { ...json, ...withToken });
      rows.push(ratioRow('resending already-stored events on SQLite', resend.rate, 'requests/s', 'first insert, same endpoint', stored.rate, 1.5));
    });

    // PostgreSQL.
    const barePg: Record<string, number> = {};
    for (const mode of ['pg', 'pg-unnest']) {
      const db = await createDatabase(cluster.url, `bare_${mode.replace('-', '_')}`);
      barePg[mode] = (await withServer(startBare(servers.bare, mode, db), (s) => measure(`bare + validation + ${mode === 'pg' ? 'multi-row INSERT … ON CONFLICT DO NOTHING' : 'INSERT … SELECT unnest(…) ON CONFLICT DO NOTHING'}`, s, '/', freshBatch))).rate;
    }
    const bestPg = Math.max(barePg.pg!, barePg['pg-unnest']!);
    const bestName = barePg.pg! >= barePg['pg-unnest']! ? 'multi-row INSERT … ON CONFLICT DO NOTHING' : 'INSERT … SELECT unnest() ON CONFLICT DO NOTHING';
    const pgDb = await createDatabase(cluster.url, 'endpoint');
    const pgStored = await withServer(startEndpoint({ database: pgDb, ingestTokens: [TOKEN], args: ENDPOINT_FLAGS }),
      (s) => measure('endpoint on PostgreSQL', s, '/v1/batch', freshBatch, {}, { ...json, ...withToken }));
    rows.push(ratioRow('storing on PostgreSQL', pgStored.rate * EVENTS_PER_BATCH, 'events/s', `bare validate + ${bestName}`, bestPg * EVENTS_PER_BATCH, 0.7));

    // Memory over a long run.
    await withServer(startEndpoint({ database: `sqlite:${path.join(scratch, 'rss.db')}`, ingestTokens: [TOKEN], args: ENDPOINT_FLAGS }), async (s) => {
      await load(s.url, '/v1/batch', freshBatch, 5, { ...json, ...withToken });
      const start = rss(s.pid);
      await load(s.url, '/v1/batch', freshBatch, rssSeconds, { ...json, ...withToken });
      const end = rss(s.pid);
      log(`endpoint RSS over ${rssSeconds} s of full load: ${mb(start)} MB → ${mb(end)} MB`);
      rows.push({ figure: `RSS after ${rssSeconds} s of full load on SQLite (start: after 5 s)`, value: mb(end), unit: 'MB', reference: 'start', referenceValue: mb(start), ratio: end / start, target: 'flat: ≤ 1.2× start', pass: end / start <= 1.2 });
    });
  } finally {
    cluster.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
  return { title: `endpoint: ${EVENTS_PER_BATCH} events (~${Math.round(freshBatch().length / 1024)} KB) per request, ${CONNECTIONS} connections, ${seconds} s per figure`, rows };
}

function ratioRow(figure: string, value: number, unit: string, reference: string, referenceValue: number, target: number): Row {
  const ratio = value / referenceValue;
  return { figure, value, unit, reference, referenceValue, ratio, target: `≥ ${target}×`, pass: ratio >= target };
}

async function load(url: string, path: string, body: () => Buffer, seconds: number, headers: Record<string, string>, extra: Partial<autocannon.Options> = {}): Promise<Load> {
  const result = await autocannon({
    url, connections: CONNECTIONS, duration: seconds, ...extra,
    requests: [{ method: 'POST', path, headers, setupRequest: (request) => ({ ...request, body: body() }) }],
  });
  if (result.errors > 0 || result.non2xx > 0) {
    throw new Error(`${url}${path}: ${result.errors} errors and ${result.non2xx} non-2xx answers`);
  }
  return { rate: result['2xx'] / result.duration, p50: result.latency.p50, p99: result.latency.p99 };
}

async function withServer<T>(starting: Promise<Server>, work: (s: Server) => Promise<T>): Promise<T> {
  const server = await starting;
  try { return await work(server); } finally { await server.stop(); }
}

function startBare(file: string, ...args: string[]): Promise<Server> {
  const child = spawn(process.execPath, [file, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (c: string) => {
      out += c;
      const m = /listening on (\S+)/.exec(out);
      if (m) { resolve({ url: m[1]!, pid: child.pid, stop: () => new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); }) }); }
    });
    child.once('exit', (code) => reject(new Error(`${file} exited (${code}) before listening`)));
  });
}

async function bundleServers(options: Options): Promise<{ bare: string; httpLayer: string }> {
  const out = { bare: path.join(options.cache, 'endpoint-bare-server.cjs'), httpLayer: path.join(options.cache, 'endpoint-http-layer-server.cjs') };
  const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', logLevel: 'warning' } as const;
  await esbuild.build({ ...common, entryPoints: [path.join(options.root, 'bench/endpoint/bare-server.ts')], outfile: out.bare });
  await esbuild.build({ ...common, entryPoints: [path.join(options.root, 'bench/endpoint/http-layer-server.ts')], outfile: out.httpLayer });
  return out;
}

function rss(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]) * 1024;
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
