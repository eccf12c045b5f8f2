// Child processes that are started in their own process group and always stopped as a group, so that
// nothing they spawn (code-server's extension host and pty host, the endpoint's workers) outlives a
// run — also when a test failed or timed out, and when the harness itself is interrupted.
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';

const running = new Set();

// The last line of defence: if the harness exits without stopping a group (a crash, process.exit),
// the groups die with it.
process.once('exit', () => { for (const child of running) { child.kill('SIGKILL'); } });

/** Stops every group still running, gracefully; for an entry script's SIGINT/SIGTERM handler. */
export async function stopAll(graceMs = 5000) {
  await Promise.all([...running].map((child) => child.stop(graceMs)));
}

/** Makes Ctrl-C, a CI cancellation or a hang-up stop every group before the harness exits. */
export function stopAllOnSignals({ onSignal } = {}) {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, async () => {
      await onSignal?.(signal);
      await stopAll();
      process.exit(128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 })[signal]);
    });
  }
}

/**
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ env?: NodeJS.ProcessEnv, cwd?: string, logFile?: string, name?: string }} [options]
 */
export function spawnGroup(cmd, args, { env = process.env, cwd, logFile, name = cmd } = {}) {
  const proc = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let text = '';
  const listeners = new Set();
  const onData = (chunk) => {
    const s = chunk.toString();
    text = (text + s).slice(-256 * 1024); // the tail is what a failure report needs
    if (logFile) { appendFileSync(logFile, s); }
    for (const l of listeners) { l(s); }
  };
  proc.stdout.on('data', onData);
  proc.stderr.on('data', onData);
  let exitInfo;
  const exited = new Promise((resolve) => {
    proc.on('exit', (code, signal) => { exitInfo = { code, signal }; running.delete(child); resolve(exitInfo); });
    proc.on('error', (error) => { text += `\n${name}: ${error.message}\n`; exitInfo = { code: null, signal: null, error }; running.delete(child); resolve(exitInfo); });
  });
  const child = {
    name,
    pid: proc.pid,
    /** Resolves with { code, signal } when the group leader exits. */
    exited,
    get exitInfo() { return exitInfo; },
    /** Everything the process wrote to stdout and stderr (the last 256 KiB). */
    output: () => text,
    /** Calls `listener` with each chunk of output from now on; returns an unsubscribe function. */
    onOutput(listener) { listeners.add(listener); return () => listeners.delete(listener); },
    kill(signal) { try { process.kill(-proc.pid, signal); } catch { /* the group is gone */ } },
    /** SIGTERM to the whole group, SIGKILL after `graceMs`; resolves once the leader is gone. */
    async stop(graceMs = 5000) {
      if (exitInfo) { child.kill('SIGKILL'); return exitInfo; } // stragglers of an exited leader
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const info = await exited;
      clearTimeout(timer);
      child.kill('SIGKILL');
      return info;
    },
  };
  running.add(child);
  return child;
}

/** Tail of a text, for failure messages. */
export function tail(text, lines = 40) {
  return String(text ?? '').trimEnd().split('\n').slice(-lines).join('\n');
}
