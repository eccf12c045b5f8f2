// HTTP, behind an interface: the delivery logic decides what to send and what an answer means; the
// adapter (extension/node/http-transport.ts) only moves bytes, with a timeout and a cap on what it reads.

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
  /** Give up after this long, whatever the state of the exchange. */
  readonly timeoutMs: number;
  /** Aborts the exchange (consent withdrawn, shutdown deadline). */
  readonly signal?: AbortSignal;
  /** Read at most this much of the answer (default 1 MiB); the rest is dropped and `truncated` set. */
  readonly maxResponseBytes?: number;
}

export interface HttpResponse {
  readonly status: number;
  /** A response header by lower-case name. */
  header(name: string): string | undefined;
  /** The body, at most `maxResponseBytes`; `truncated` when the endpoint sent more. */
  readonly body: Uint8Array;
  readonly truncated: boolean;
}

/** Why no answer came: the network failed, the time ran out, or the caller aborted. All are retryable. */
export class TransportError extends Error {
  constructor(readonly reason: 'network' | 'timeout' | 'aborted', message: string) {
    super(message);
    this.name = 'TransportError';
  }
}

export interface Transport {
  /** Resolves with any HTTP answer (any status); rejects only with a TransportError. */
  request(request: HttpRequest): Promise<HttpResponse>;
}
