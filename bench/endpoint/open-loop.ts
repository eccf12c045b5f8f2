// Latency at a fixed request rate, measured open-loop. Request k is due at start + k / rate whether or not
// the earlier ones have been answered, and its latency runs from that due time to the end of its answer:
// a server that falls behind is charged for the whole backlog it built, and so is a late load generator
// (its lateness is reported separately, so that a reader can tell the two apart).
//
// Why not autocannon's `overallRate`: it gives each connection a quota per second and lets the connection
// send its quota back to back as soon as the second starts, so every second opens with a burst of the
// whole second's requests on all connections at once, and a request's latency is counted from when its
// connection got round to sending it. It also corrects for coordinated omission with an expected interval
// of ceil(1 / rate) = 1 ms instead of 1000 / rate ms, which weights every sample by its own latency. At
// 170 requests/s over 10 connections that measured p50 15 ms and p99 60–220 ms for a server whose requests
// take about 3 ms each.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface OpenLoopOptions {
  url: string;
  path: string;
  headers: Record<string, string>;
  /** Makes the body of a request; called for every request before the clock starts. */
  body: () => Buffer;
  /** Requests per second. */
  rate: number;
  seconds: number;
  /** Keep-alive connections at most; a request due while all are busy waits for one, on its clock. */
  connections: number;
  /** Called with each answered request's due time and latency (ms), for looking at a run over time. */
  trace?: (dueMs: number, latencyMs: number) => void;
}

export interface OpenLoopResult {
  /** Answered requests per second of the run. */
  rate: number;
  /** Latency percentiles (ms) from each request's due time to the end of its answer. */
  p50: number;
  p99: number;
  max: number;
  /** The same from when the request was handed to its socket: what a closed-loop tool would report. */
  p99FromSend: number;
  /** How late the generator's timer started requests (ms, p99): its own share of `p99`. */
  sendLagP99: number;
  answered: number;
  failed: number;
}

export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const target = new URL(options.url);
  const interval = 1000 / options.rate;
  const total = Math.max(1, Math.round(options.rate * options.seconds));
  const fromDue: number[] = [];
  const fromSend: number[] = [];
  const sendLag: number[] = [];
  let failed = 0;
  let settled = 0;
  let measuring = false;
  let start = 0;

  // Made before the clock starts: assembling a 26 KB body at its due time is the generator's work, and
  // on a shared 2-core machine it delayed the requests after it.
  const bodies = Array.from({ length: total }, () => options.body());
  const warmUp = () => send(performance.now(), options.body());
  const send = (due: number, body: Buffer) => new Promise<void>((resolve) => {
    sendLag.push(performance.now() - due);
    const request = http.request({
      host: target.hostname, port: target.port, path: options.path, method: 'POST', agent,
      headers: { ...options.headers, 'content-length': String(body.length) },
    });
    let sentAt = 0;
    // 'socket' fires when the agent assigns a socket: from then on the request is on the wire.
    request.once('socket', () => { sentAt = performance.now(); });
    request.once('response', (response) => {
      response.resume();
      response.once('end', () => {
        const end = performance.now();
        if (response.statusCode !== undefined && response.statusCode >= 200 && response.statusCode < 300) {
          fromDue.push(end - due);
          if (measuring) { options.trace?.(due - start, end - due); }
          fromSend.push(end - sentAt);
        } else {
          failed++;
        }
        resolve();
      });
    });
    request.once('error', () => { failed++; resolve(); });
    request.end(body);
  });

  // The connections are opened, and each has carried a request, before the clock starts: otherwise the
  // first 10–20 requests of a run pay for TCP set-up and the server's first use of each socket (20–40 ms
  // here), which at a p99 over a few thousand requests is most of the tail and says nothing of the
  // steady state this measures.
  for (let round = 0; round < 2; round++) {
    await Promise.all(Array.from({ length: options.connections }, () => warmUp()));
  }
  fromDue.length = 0; fromSend.length = 0; sendLag.length = 0; failed = 0; settled = 0;

  const started = performance.now();
  start = started + 5;
  measuring = true;
  const pending: Promise<void>[] = [];
  await new Promise<void>((done) => {
    let k = 0;
    const tick = () => {
      const now = performance.now();
      // Everything due by now goes out now: a late timer makes a small burst, and is charged for it.
      for (; k < total && start + k * interval <= now; k++) {
        pending.push(send(start + k * interval, bodies[k]!).then(() => { settled++; }));
      }
      if (k < total) { setTimeout(tick, Math.max(0, start + k * interval - performance.now())); } else { done(); }
    };
    setTimeout(tick, start - performance.now());
  });
  await Promise.all(pending);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  return {
    rate: fromDue.length / elapsed,
    p50: percentile(fromDue, 0.5),
    p99: percentile(fromDue, 0.99),
    max: percentile(fromDue, 1),
    p99FromSend: percentile(fromSend, 0.99),
    sendLagP99: percentile(sendLag, 0.99),
    answered: settled - failed,
    failed,
  };
}

/** Nearest-rank percentile of `values` (ms), rounded to 0.1 ms. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) { return Number.NaN; }
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return Math.round(sorted[rank - 1]! * 10) / 10;
}
