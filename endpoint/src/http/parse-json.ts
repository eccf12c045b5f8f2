// Step 4 of PROTOCOL.md §4: the body must be UTF-8 JSON without lone surrogates and at most 32 levels
// deep. V8's JSON.parse is not recursive, so a 100,000-level body cannot overflow the stack; the depth is
// measured after parsing, no deeper than the limit, and only when it can matter: a batch whose envelope
// and events all validate against the schemas cannot nest deeper than the limits (the schemas bound it,
// and test/spec/nesting-bound.test.ts holds them to it), so the ingest pipeline calls refuseIfTooDeep()
// only once something failed validation, before it answers anything about that failure. Walking every
// valid body was 4% of the HTTP layer's time.
import { isUtf8 } from 'node:buffer';
import { MAX_BODY_DEPTH } from '../../../protocol/limits';
import { depthUpTo } from './nesting';
import { ProblemError } from './problem';

/** An escaped surrogate in the text: only then can a parsed string hold a lone one. */
const ESCAPED_SURROGATE = /\\u[dD][89a-fA-F]/g;

function hasEscapedSurrogate(text: string): boolean {
  // Most bodies have no \u escape at all: indexOf finds that faster than the regular expression.
  const first = text.indexOf('\\u');
  if (first < 0) { return false; }
  ESCAPED_SURROGATE.lastIndex = first;
  return ESCAPED_SURROGATE.test(text);
}

/** The parsed body; its depth is not checked yet (see refuseIfTooDeep). */
export function parseJsonBody(bytes: Buffer): unknown {
  if (!isUtf8(bytes)) {
    throw invalid('The body is not valid UTF-8. Encode the JSON as UTF-8.');
  }
  const text = bytes.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const why = text.length === 0 ? 'The body is empty' : `The body is not valid JSON (${(error as Error).message.slice(0, 200)})`;
    throw invalid(`${why}. Send one JSON object, the batch.`);
  }
  if (hasEscapedSurrogate(text)) {
    // Step 4 names the depth first; the walk below would cost as much anyway.
    refuseIfTooDeep(value);
    const where = loneSurrogateAt(value);
    if (where !== undefined) {
      throw invalid(`The string at ${where || '/'} holds a lone UTF-16 surrogate (\\uD800–\\uDFFF without its pair), which is not a Unicode character.`);
    }
  }
  return value;
}

/** Step 4's nesting limit: 400 invalid_json for a body deeper than MAX_BODY_DEPTH. */
export function refuseIfTooDeep(body: unknown): void {
  if (depthUpTo(body, MAX_BODY_DEPTH) > MAX_BODY_DEPTH) {
    throw invalid(`The body nests objects and arrays deeper than ${MAX_BODY_DEPTH} levels.`);
  }
}

/** The JSON Pointer of the first member name or string with a lone surrogate, or undefined. */
export function loneSurrogateAt(value: unknown): string | undefined {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [node, pointer] = stack.pop()!;
    if (typeof node === 'string') {
      if (hasLoneSurrogate(node)) { return pointer; }
    } else if (Array.isArray(node)) {
      node.forEach((child, i) => stack.push([child, `${pointer}/${i}`]));
    } else if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        const at = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        if (hasLoneSurrogate(key)) { return at; }
        stack.push([child, at]);
      }
    }
  }
  return undefined;
}

function hasLoneSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) { i++; continue; }
      return true;
    }
    if (c >= 0xdc00 && c <= 0xdfff) { return true; }
  }
  return false;
}

function invalid(detail: string): ProblemError {
  return new ProblemError(400, 'invalid_json', detail);
}
