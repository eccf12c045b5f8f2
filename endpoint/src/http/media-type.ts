// Step 2 of PROTOCOL.md §4: the body must be JSON in UTF-8, plain or gzip; anything else is 415.
import { ProblemError } from './problem';

export type BodyEncoding = 'identity' | 'gzip';

/**
 * The encoding of an acceptable request, or a 415 that says what was sent and what is expected.
 * `application/json` with no parameter or `charset=utf-8` (any case, optionally quoted) is JSON.
 */
export function checkMediaType(contentType: string | undefined, contentEncoding: string | undefined): BodyEncoding {
  // The type as clients send it skips the parsing below; this runs on every batch.
  if (contentType !== 'application/json' && contentType !== 'application/json; charset=utf-8') { checkType(contentType); }
  if (contentEncoding === undefined) { return 'identity'; }
  const encoding = contentEncoding.trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') { return 'identity'; }
  if (encoding === 'gzip' || encoding === 'x-gzip') { return 'gzip'; }
  throw unsupported(`Content-Encoding ${JSON.stringify(encoding.slice(0, 100))} is not accepted. Send the body plain or with Content-Encoding: gzip.`);
}

function checkType(contentType: string | undefined): void {
  if (contentType === undefined || contentType.trim() === '') {
    throw unsupported('The request has no Content-Type. Send the batch as Content-Type: application/json.');
  }
  const [type = '', ...params] = contentType.split(';').map((s) => s.trim());
  if (type.toLowerCase() !== 'application/json') {
    throw unsupported(`Content-Type ${JSON.stringify(type.slice(0, 100))} is not accepted. Send the batch as Content-Type: application/json.`);
  }
  for (const param of params) {
    if (param === '') { continue; }
    const eq = param.indexOf('=');
    const name = (eq < 0 ? param : param.slice(0, eq)).trim().toLowerCase();
    const value = (eq < 0 ? '' : param.slice(eq + 1)).trim().replace(/^"(.*)"$/, '$1').toLowerCase();
    if (name === 'charset' && value !== 'utf-8' && value !== 'utf8') {
      throw unsupported(`charset=${value.slice(0, 40)} is not accepted: bodies are UTF-8. Send Content-Type: application/json (or with charset=utf-8).`);
    }
  }
}

function unsupported(detail: string): ProblemError {
  return new ProblemError(415, 'unsupported_media_type', detail);
}
