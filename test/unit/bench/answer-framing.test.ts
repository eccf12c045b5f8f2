// The load generator's answer framing (bench/endpoint/answer-framing.ts): it must find the end of each
// answer exactly, at every split of the bytes a socket may deliver, or the latencies it reports are wrong.
import { describe, expect, it } from 'vitest';
import { frameAnswer } from '../../../bench/endpoint/answer-framing';

const bytes = (text: string) => Buffer.from(text, 'latin1');
const withLength = (status: number, body: string, extra = '') =>
  `HTTP/1.1 ${status} X\r\ncontent-type: application/json\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const chunked = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{"a"\r\nA;ext=1\r\n:[1,2,3,4]\r\n1\r\n}\r\n0\r\nx-trailer: 1\r\n\r\n';

/** Every prefix shorter than the answer is incomplete; the whole answer, and more after it, frame it exactly. */
function framesExactly(answer: string, status: number) {
  for (let n = 0; n < answer.length; n++) {
    expect(frameAnswer(bytes(answer.slice(0, n))), `prefix of ${n} bytes`).toBeUndefined();
  }
  expect(frameAnswer(bytes(answer))).toEqual({ status, size: answer.length, keepAlive: true });
  expect(frameAnswer(bytes(answer + withLength(200, '{}')))?.size).toBe(answer.length);
}

describe('answer framing', () => {
  it('frames by Content-Length at every split', () => {
    framesExactly(withLength(200, '{"accepted":50,"duplicates":0,"rejected":[]}'), 200);
    framesExactly(withLength(429, ''), 429);
  });

  it('frames chunked answers (extensions, trailers) at every split', () => {
    framesExactly(chunked, 200);
  });

  it('lets chunked encoding win over a Content-Length beside it', () => {
    const answer = chunked.replace('Transfer-Encoding: chunked\r\n', 'Content-Length: 3\r\nTransfer-Encoding: chunked\r\n');
    expect(frameAnswer(bytes(answer))?.size).toBe(answer.length);
  });

  it('says when the server closes the connection after the answer', () => {
    expect(frameAnswer(bytes(withLength(503, '{}', 'Connection: close\r\n')))?.keepAlive).toBe(false);
    expect(frameAnswer(bytes(withLength(200, '{}', 'Connection: keep-alive\r\n')))?.keepAlive).toBe(true);
    expect(frameAnswer(bytes(withLength(200, '{}').replace('HTTP/1.1', 'HTTP/1.0')))?.keepAlive).toBe(false);
    expect(frameAnswer(bytes(withLength(200, '{}', 'Connection: keep-alive\r\n').replace('HTTP/1.1', 'HTTP/1.0')))?.keepAlive).toBe(true);
  });

  it('takes 204 and 304 answers as having no body', () => {
    const answer = 'HTTP/1.1 204 No Content\r\ndate: x\r\n\r\n';
    expect(frameAnswer(bytes(answer + withLength(200, '{}')))).toEqual({ status: 204, size: answer.length, keepAlive: true });
  });

  it('refuses what it cannot frame instead of guessing', () => {
    expect(() => frameAnswer(bytes('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil close'))).toThrow(/neither Content-Length nor chunked/);
    expect(() => frameAnswer(bytes('SSH-2.0-OpenSSH\r\n\r\n'))).toThrow(/not an HTTP\/1.1 answer/);
    expect(() => frameAnswer(bytes('HTTP/1.1 100 Continue\r\n\r\n'))).toThrow(/interim/);
    expect(() => frameAnswer(bytes('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'))).toThrow(/chunk size/);
  });
});
