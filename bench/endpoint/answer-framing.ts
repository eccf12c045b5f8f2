// Where an HTTP/1.1 answer ends in the bytes read from a keep-alive connection, for the open-loop load
// generator (open-loop.ts), which writes its requests to raw sockets and reads the answers back itself:
// node:http's client cost the generator 0.4–0.8 ms more CPU per request here, on the two cores the
// endpoint uses too. It reads the status and frames the body by Content-Length or chunked encoding, which
// is all that the endpoint and the bench's references send; anything else is an error, never a guess.

export interface FramedAnswer {
  status: number;
  /** Bytes of the answer from the start of `bytes`: head, body and, when chunked, the trailer. */
  size: number;
  /** False when the server closes the connection after this answer (`Connection: close`, or HTTP/1.0). */
  keepAlive: boolean;
}

const HEAD_END = Buffer.from('\r\n\r\n');
const LINE_END = Buffer.from('\r\n');

/**
 * The first answer in `bytes`, or undefined while it is incomplete. Throws when the head cannot be read
 * or the answer has no framing this reader knows (it would otherwise wait for ever, or misread the next).
 */
export function frameAnswer(bytes: Buffer): FramedAnswer | undefined {
  const headEnd = bytes.indexOf(HEAD_END);
  if (headEnd < 0) { return undefined; }
  const head = bytes.toString('latin1', 0, headEnd);
  const statusLine = /^HTTP\/1\.[01] (\d{3})/.exec(head);
  if (statusLine === null) { throw new Error(`not an HTTP/1.1 answer: ${JSON.stringify(head.slice(0, 40))}`); }
  const status = Number(statusLine[1]);
  const connection = /\r\nconnection:([^\r\n]*)/i.exec(head)?.[1]?.toLowerCase() ?? '';
  const keepAlive = head.startsWith('HTTP/1.1') ? !/\bclose\b/.test(connection) : /\bkeep-alive\b/.test(connection);
  const bodyStart = headEnd + HEAD_END.length;
  // Chunked encoding wins over a Content-Length beside it (RFC 9112 §6.3).
  if (/\r\ntransfer-encoding:[^\r\n]*\bchunked\b/i.test(head)) {
    const size = chunkedEnd(bytes, bodyStart);
    return size === undefined ? undefined : { status, size, keepAlive };
  }
  const length = /\r\ncontent-length:[ \t]*(\d+)[ \t]*(?:\r\n|$)/i.exec(head);
  if (length !== null) {
    const size = bodyStart + Number(length[1]);
    return bytes.length >= size ? { status, size, keepAlive } : undefined;
  }
  // 204 and 304 answers have no body (RFC 9112 §6.3). Interim (1xx) answers would need a final one after
  // them; the generator sends no `Expect`, so one is an error.
  if (status === 204 || status === 304) { return { status, size: bodyStart, keepAlive }; }
  if (status < 200) { throw new Error(`unexpected interim answer ${status}`); }
  throw new Error(`answer ${status} has neither Content-Length nor chunked encoding: its end cannot be found on a kept-alive connection`);
}

/** The end of a chunked body that starts at `at` (after its last chunk and trailer), or undefined. */
function chunkedEnd(bytes: Buffer, at: number): number | undefined {
  for (;;) {
    const lineEnd = bytes.indexOf(LINE_END, at);
    if (lineEnd < 0) { return undefined; }
    const sizeText = bytes.toString('latin1', at, lineEnd).split(';', 1)[0]!.trim();
    if (!/^[0-9a-fA-F]+$/.test(sizeText)) { throw new Error(`bad chunk size line: ${JSON.stringify(sizeText.slice(0, 20))}`); }
    const size = parseInt(sizeText, 16);
    if (size === 0) {
      // Trailer fields, if any, then an empty line.
      let line = lineEnd + LINE_END.length;
      for (;;) {
        const next = bytes.indexOf(LINE_END, line);
        if (next < 0) { return undefined; }
        if (next === line) { return next + LINE_END.length; }
        line = next + LINE_END.length;
      }
    }
    const chunkEnd = lineEnd + LINE_END.length + size + LINE_END.length;
    if (bytes.length < chunkEnd) { return undefined; }
    at = chunkEnd;
  }
}
