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
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { frameAnswer } from './answer-framing';

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
  /** The same from when the request was written to its socket: what a closed-loop tool would report. */
  p99FromSend: number;
  /** How late the generator's timer started requests (ms, p99): its own share of `p99`. */
  sendLagP99: number;
  answered: number;
  failed: number;
}

/** What an answer came to: its status, or undefined when the connection failed before it was whole. */
type Settle = (status: number | undefined) => void;

/**
 * One keep-alive connection that carries one request at a time. Requests are written as they are (head
 * and body made before the clock) and answers framed by answer-framing.ts: node:http's client cost
 * 0.4–0.8 ms more CPU per request here (1.1–1.5 ms against 0.7 ms), taken from the cores the server uses,
 * and its parsing and events 0.3 ms of each answer's measured time at the median.
 */
class Connection {
  private readonly socket: net.Socket;
  private readonly ready: Promise<void>;
  private received: Buffer = Buffer.alloc(0);
  private settle: Settle | undefined;
  /** False once the socket failed, closed, or the server said it closes it after the answer. */
  usable = true;

  constructor(host: string, port: number) {
    this.socket = net.connect({ host, port, noDelay: true });
    this.ready = new Promise((resolve) => { this.socket.once('connect', () => resolve()); });
    this.socket.on('data', (chunk: Buffer) => this.read(chunk));
    this.socket.on('error', () => this.fail());
    this.socket.on('close', () => this.fail());
  }

  /** Writes `request` (connecting first if needed) and calls `settle` once its answer is whole. */
  send(request: Buffer, onWritten: () => void, settle: Settle): void {
    this.settle = settle;
    void this.ready.then(() => {
      if (this.settle !== settle) { return; }
      onWritten();
      this.socket.write(request);
    });
  }

  close(): void { this.usable = false; this.socket.destroy(); }

  private read(chunk: Buffer): void {
    this.received = this.received.length === 0 ? chunk : Buffer.concat([this.received, chunk]);
    let framed;
    try { framed = frameAnswer(this.received); } catch { this.close(); return; }
    if (framed === undefined) { return; }
    this.received = this.received.subarray(framed.size);
    if (!framed.keepAlive) { this.usable = false; }
    const settle = this.settle;
    this.settle = undefined;
    // Something after the answer on a connection that carries one request at a time: not ours to read.
    if (this.received.length > 0) { this.close(); }
    settle?.(framed.status);
  }

  private fail(): void {
    this.usable = false;
    const settle = this.settle;
    this.settle = undefined;
    settle?.(undefined);
  }
}

export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const target = new URL(options.url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const port = Number(target.port || 80);
  const interval = 1000 / options.rate;
  const total = Math.max(1, Math.round(options.rate * options.seconds));
  const fromDue: number[] = [];
  const fromSend: number[] = [];
  const sendLag: number[] = [];
  let failed = 0;
  let measuring = false;
  let start = 0;

  const fields = Object.entries(options.headers).filter(([name]) => !/^(host|content-length|connection)$/i.test(name));
  const serialise = (body: Buffer) => Buffer.concat([Buffer.from(
    `POST ${options.path} HTTP/1.1\r\nhost: ${target.host}\r\n${fields.map(([name, value]) => `${name}: ${value}\r\n`).join('')}content-length: ${body.length}\r\n\r\n`,
    'latin1'), body]);
  // Made before the clock starts: assembling a 26 KB body at its due time is the generator's work, and
  // on a shared 2-core machine it delayed the requests after it.
  const requests = Array.from({ length: total }, () => serialise(options.body()));

  // Up to `connections` sockets; a request due while all are busy waits for the first to be free. A
  // socket the server closed is replaced by a new one when a request needs it.
  const idle: Connection[] = [];
  const queue: ((connection: Connection) => void)[] = [];
  let open = 0;
  const acquire = (use: (connection: Connection) => void) => {
    for (let connection = idle.pop(); connection !== undefined; connection = idle.pop()) {
      if (connection.usable) { use(connection); return; }
      // Closed by the server while idle.
      connection.close();
      open--;
    }
    if (open < options.connections) { open++; use(new Connection(host, port)); return; }
    queue.push(use);
  };
  const release = (connection: Connection) => {
    if (!connection.usable) {
      connection.close();
      open--;
      const next = queue.shift();
      if (next !== undefined) { open++; next(new Connection(host, port)); }
      return;
    }
    const next = queue.shift();
    if (next !== undefined) { next(connection); } else { idle.push(connection); }
  };

  const send = (due: number, request: Buffer) => new Promise<void>((resolve) => {
    sendLag.push(performance.now() - due);
    acquire((connection) => {
      let sentAt = 0;
      connection.send(request, () => { sentAt = performance.now(); }, (status) => {
        const end = performance.now();
        if (status !== undefined && status >= 200 && status < 300) {
          fromDue.push(end - due);
          if (measuring) { options.trace?.(due - start, end - due); }
          fromSend.push(end - sentAt);
        } else {
          failed++;
        }
        release(connection);
        resolve();
      });
    });
  });

  // The connections are opened, and each has carried a request, before the clock starts: otherwise the
  // first 10–20 requests of a run pay for TCP set-up and the server's first use of each socket (20–40 ms
  // here), which at a p99 over a few thousand requests is most of the tail and says nothing of the
  // steady state this measures.
  for (let round = 0; round < 2; round++) {
    await Promise.all(Array.from({ length: options.connections }, () => send(performance.now(), serialise(options.body()))));
  }
  fromDue.length = 0; fromSend.length = 0; sendLag.length = 0; failed = 0;

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
        pending.push(send(start + k * interval, requests[k]!));
      }
      if (k < total) { setTimeout(tick, Math.max(0, start + k * interval - performance.now())); } else { done(); }
    };
    setTimeout(tick, start - performance.now());
  });
  await Promise.all(pending);
  const elapsed = (performance.now() - start) / 1000;
  for (const connection of idle) { connection.close(); }
  return {
    rate: fromDue.length / elapsed,
    p50: percentile(fromDue, 0.5),
    p99: percentile(fromDue, 0.99),
    max: percentile(fromDue, 1),
    p99FromSend: percentile(fromSend, 0.99),
    sendLagP99: percentile(sendLag, 0.99),
    answered: fromDue.length,
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
