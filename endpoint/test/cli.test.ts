// The command line is a contract other parts rely on: `npm start` on a fresh checkout, the exact
// "listening on" line, every flag documented by --help, environment variables, and clear refusals of bad
// flags with a non-zero exit.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPTIONS } from '../src/config/options';
import { BUNDLE } from '../build.mjs';
import { startEndpoint } from '../testing/start-endpoint.mjs';
import { send } from './support/http';

const ROOT = path.resolve(__dirname, '../..');
const cli = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [BUNDLE, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 20_000 });

describe('the command line', () => {
  it('`npm start` builds if needed, makes its data folder, and prints exactly "listening on http://HOST:PORT"', async () => {
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'candor-start-'));
    // Its own process group: npm runs the endpoint as a grandchild, and the whole group is stopped below.
    const child = spawn('npm', ['--prefix', ROOT, 'start', '--', '--port', '0', '--database', `sqlite:${path.join(cwd, 'data/candor.db')}`], { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    child.stdout.setEncoding('utf8');
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (c: string) => { out += c; const m = /^listening on .*$/m.exec(out); if (m) { resolve(m[0]); } });
      child.once('exit', () => reject(new Error(`exited before listening: ${out}`)));
    });
    expect(line).toMatch(/^listening on http:\/\/127\.0\.0\.1:[0-9]{2,5}$/);
    expect((await send(line.slice('listening on '.length), { path: '/readyz' })).status).toBe(200);
    expect(existsSync(path.join(cwd, 'data/candor.db'))).toBe(true);
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
    // The endpoint itself stops too (it may take a moment to close): its port stops answering.
    const deadline = Date.now() + 15_000;
    let gone = false;
    while (!gone && Date.now() < deadline) {
      gone = await send(line.slice('listening on '.length), { path: '/healthz' }).then(() => false, (e: Error) => /ECONNREFUSED/.test(e.message));
      if (!gone) { await new Promise((r) => setTimeout(r, 100)); }
    }
    expect(gone).toBe(true);
    rmSync(cwd, { recursive: true, force: true });
  });

  it('--help documents every flag with its environment variable, and exits 0', () => {
    const result = cli(['--help']);
    expect(result.status).toBe(0);
    for (const o of OPTIONS) {
      expect(result.stdout).toContain(`--${o.flag} `);
      expect(result.stdout).toContain(o.env);
    }
  });

  it('refuses a bad flag with a clear message on standard error and exit code 2', () => {
    const result = cli(['--port', 'eighty', '--colour', 'red']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/unknown flag --colour/);
    expect(result.stdout).toBe('');
  });

  it('never echoes a refused token', () => {
    const result = cli(['--admin-token', 'has spaces and a secret-word']);
    expect(result.status).toBe(2);
    expect(result.stderr).not.toContain('secret-word');
  });

  it('reads settings from environment variables, a flag winning over its variable', async () => {
    const endpoint = await startEndpoint({
      env: { CANDOR_INGEST_TOKENS: 'env-token-aaaaaaaaaaaa, env-token-bbbbbbbbbbbb', CANDOR_PORT: '1' },
    });
    expect(new URL(endpoint.url).port).not.toBe('1');
    const withToken = (t: string) => send(endpoint.url, { path: '/v1/batch', body: '{}', headers: { 'content-type': 'application/json', authorization: `Bearer ${t}` } });
    expect((await withToken('env-token-bbbbbbbbbbbb')).status).toBe(400);
    expect((await withToken('env-token-cccccccccccc')).status).toBe(403);
    await endpoint.stop();
  });

  it('says so and exits 1 when the database cannot be opened, without printing its password', () => {
    const result = cli(['--port', '0', '--database', 'postgres://candor:hunter2-password@127.0.0.1:1/candor']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/cannot open the database postgres:\/\/candor:\*\*\*@127\.0\.0\.1:1\/candor/);
    expect(result.stderr).not.toContain('hunter2');
  });

  it('says so and exits 1 when the port is taken', async () => {
    const endpoint = await startEndpoint();
    const folder = mkdtempSync(path.join(os.tmpdir(), 'candor-cli-'));
    const result = cli(['--port', new URL(endpoint.url).port, '--database', `sqlite:${path.join(folder, 'x.db')}`]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/);
    await endpoint.stop();
    rmSync(folder, { recursive: true, force: true });
  });
});
