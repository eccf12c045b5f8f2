// What the protocol server and the fault proxy share: an HTTP server on loopback that can be stopped (the
// endpoint is down: connections refused, open ones dropped) and started again on the same port, and a
// queue of faults that the next batch requests meet.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Fault =
  | { kind: 'reset-mid-upload' }
  | { kind: 'commit-then-reset' }
  | { kind: 'status'; status: number; code: string; retryAfter?: string }
  | { kind: 'slow'; ms: number };

export abstract class FaultyServer {
  private server: http.Server | undefined;
  private readonly sockets = new Set<Socket>();
  /** Faults planned for the next batch requests, in order. */
  protected readonly faults: Fault[] = [];
  port = 0;

  get url(): string { return `http://127.0.0.1:${this.port}/`; }

  failNext(fault: Fault, times = 1): void { for (let i = 0; i < times; i++) { this.faults.push(fault); } }

  async start(port = 0): Promise<void> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (s) => { this.sockets.add(s); s.on('close', () => this.sockets.delete(s)); });
    await new Promise<void>((resolve, reject) => { this.server!.once('error', reject); this.server!.listen(port, '127.0.0.1', () => resolve()); });
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Stops listening and drops open connections: the endpoint is down until start() is called again on the same port. */
  async stop(): Promise<void> {
    for (const s of this.sockets) { s.destroy(); }
    await new Promise<void>((resolve) => { if (this.server) { this.server.close(() => resolve()); } else { resolve(); } });
    this.server = undefined;
  }

  protected abstract handle(req: http.IncomingMessage, res: http.ServerResponse): void;
}
