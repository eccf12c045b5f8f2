// Step 3 of PROTOCOL.md §4: read the body within its limits. The raw bytes are counted as they arrive
// and reading stops at the limit; a gzip body is inflated with a cap on its output, so a decompression
// bomb costs at most the limit in memory, never its inflated size. A body that does not arrive in time
// gets 408.
import type { IncomingMessage } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { BodyEncoding } from './media-type';
import { ProblemError } from './problem';

export interface BodyLimits {
  maxBytes: number;
  timeoutMs: number;
}

/** The client went away before its body arrived: there is nobody to answer. */
export class ClientGoneError extends Error {}

export function readBody(request: IncomingMessage, encoding: BodyEncoding, limits: BodyLimits): Promise<Buffer> {
  const declared = request.headers['content-length'];
  if (declared !== undefined && Number(declared) > limits.maxBytes) {
    return Promise.reject(tooLarge(`The body is ${declared} bytes as sent; the limit is ${limits.maxBytes}. Split the batch and send the halves.`));
  }
  const raw = collect(request, limits);
  return encoding === 'identity' ? raw : raw.then((bytes) => inflate(bytes, limits));
}

function inflate(raw: Buffer, limits: BodyLimits): Buffer {
  try {
    return gunzipSync(raw, { maxOutputLength: limits.maxBytes });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw tooLarge(`The body inflates to more than ${limits.maxBytes} bytes after gzip decompression; the limit is ${limits.maxBytes}. Split the batch and send the halves.`);
    }
    throw new ProblemError(400, 'invalid_json', `The body says Content-Encoding: gzip but is not valid gzip (${(error as Error).message}). Compress the whole body with gzip, or send it plain.`);
  }
}

function collect(request: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const finish = (error: Error | undefined) => {
      if (settled) { return; }
      settled = true;
      clearTimeout(timer);
      if (error) {
        // Stop collecting, and let Node discard what is still coming, so that the connection can carry
        // the answer. After a whole body, nothing more comes and the listeners go with the request.
        request.off('data', onData);
        request.off('end', onEnd);
        request.off('error', onGone);
        request.off('close', onClose);
        request.resume();
        reject(error);
      } else {
        resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received));
      }
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limits.maxBytes) {
        finish(tooLarge(`The body is more than ${limits.maxBytes} bytes as sent; the limit is ${limits.maxBytes}. Split the batch and send the halves.`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish(undefined);
    const onGone = () => finish(new ClientGoneError('the client closed the connection before its body arrived'));
    // A client that goes away mid-body: the request closes before it is complete.
    const onClose = () => { if (!request.complete) { onGone(); } };
    const timer = setTimeout(() => finish(new ProblemError(408, 'request_timeout',
      `The body did not arrive within ${Math.round(limits.timeoutMs / 1000)} seconds. Send it again.`, { closeConnection: true })), limits.timeoutMs);
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onGone);
    request.on('close', onClose);
    if (request.readableEnded) { finish(undefined); }
  });
}

function tooLarge(detail: string): ProblemError {
  return new ProblemError(413, 'body_too_large', detail);
}
