// HTTP for the core (ports/transport.ts), on Node's http/https modules — which VS Code's extension host
// patches for the user's proxy settings. Every exchange has a timeout and an abort, and reads at most a
// bounded number of bytes of the answer: an endpoint's answer is input from outside.
import type * as Http from 'node:http';
import type * as Https from 'node:https';
import { TransportError, type HttpRequest, type HttpResponse, type Transport } from '../core/ports/transport';

export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

// Loaded at the first request, not with the pipeline: `https` alone takes longer to load than all of Candor.
let httpModule: typeof Http | undefined;
let httpsModule: typeof Https | undefined;
const http = () => (httpModule ??= require('node:http') as typeof Http);
const https = () => (httpsModule ??= require('node:https') as typeof Https);

export const httpTransport: Transport = {
  request(req: HttpRequest): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      let url: URL;
      try { url = new URL(req.url); } catch { reject(new TransportError('network', `not a URL: ${req.url.slice(0, 100)}`)); return; }
      const client = url.protocol === 'https:' ? https() : url.protocol === 'http:' ? http() : undefined;
      if (!client) { reject(new TransportError('network', `unsupported scheme ${url.protocol}`)); return; }
      if (req.signal?.aborted) { reject(new TransportError('aborted', 'cancelled before it started')); return; }
      const limit = req.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
      let settled = false;
      const fail = (error: TransportError) => { if (!settled) { settled = true; cleanup(); reject(error); } };
      const headers: Record<string, string | number> = { ...req.headers, 'user-agent': 'Candor', ...(req.body ? { 'content-length': req.body.length } : {}) };
      const request = client.request(url, { method: req.method, headers });
      const timer = setTimeout(() => { fail(new TransportError('timeout', `no answer in ${req.timeoutMs} ms`)); request.destroy(); }, req.timeoutMs);
      timer.unref();
      const onAbort = () => { fail(new TransportError('aborted', 'cancelled')); request.destroy(); };
      req.signal?.addEventListener('abort', onAbort, { once: true });
      const cleanup = () => { clearTimeout(timer); req.signal?.removeEventListener('abort', onAbort); };

      request.on('error', (e: NodeJS.ErrnoException) => fail(new TransportError('network', `${e.code ?? 'error'}: ${e.message}`.slice(0, 300))));
      request.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        res.on('data', (chunk: Buffer) => {
          if (truncated) { return; }
          if (size + chunk.length > limit) { chunks.push(chunk.subarray(0, limit - size)); size = limit; truncated = true; finish(); res.destroy(); return; }
          chunks.push(chunk);
          size += chunk.length;
        });
        const finish = () => {
          if (settled) { return; }
          settled = true;
          cleanup();
          const lower = res.headers;
          resolve({
            status: res.statusCode ?? 0,
            header: (name) => { const v = lower[name.toLowerCase()]; return Array.isArray(v) ? v.join(', ') : v; },
            body: Buffer.concat(chunks),
            truncated,
          });
        };
        res.on('end', finish);
        res.on('error', (e) => fail(new TransportError('network', `the answer broke off: ${e.message}`)));
        res.on('aborted', () => fail(new TransportError('network', 'the answer broke off')));
      });
      request.end(req.body ? Buffer.from(req.body) : undefined);
    });
  },
};
