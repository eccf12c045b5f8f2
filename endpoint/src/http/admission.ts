// Overload protection: a bounded number of client requests in progress at once. Past the bound, and
// while the process shuts down, a request gets 503 with Retry-After at once instead of queueing without
// bound (each waiting body holds memory) until the process falls over.
import { ProblemError } from './problem';

export class Admission {
  private inFlight = 0;
  private closing = false;

  constructor(private readonly limit: number) {}

  get current(): number {
    return this.inFlight;
  }

  get isClosing(): boolean {
    return this.closing;
  }

  /** Stop admitting: the process is shutting down. */
  close(): void {
    this.closing = true;
  }

  /** Counts a request in, or throws 503. Every successful enter() must be followed by one leave(). */
  enter(): void {
    if (this.closing) {
      throw new ProblemError(503, 'overloaded', 'The endpoint is shutting down. Retry after a few seconds; another replica or the restarted process will answer.',
        { retryAfterSeconds: 5, closeConnection: true });
    }
    if (this.inFlight >= this.limit) {
      throw new ProblemError(503, 'overloaded', `The endpoint is processing ${this.inFlight} requests, its limit. Retry after a second.`, { retryAfterSeconds: 1 });
    }
    this.inFlight++;
  }

  leave(): void {
    this.inFlight--;
  }
}
