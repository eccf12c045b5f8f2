// Tokens of PROTOCOL.md §3: `Authorization: Bearer <token>`; missing is 401, wrong is 403. Comparison
// takes the same time however much of a token is presented right: every configured token is compared
// in full, with no early exit and no branch on the characters. A presented token of another length is
// not compared with it at all (the token is compared with itself instead, so the time is the same) and
// fails on its length; what the time can tell is the configured tokens' lengths, never their contents.
// The header as clients send it (`Bearer <token>`) is compared whole, without a regular expression or a
// buffer: on the no-op route, the regular expression, a buffer of the token and timingSafeEqual cost
// about 0.4% of the HTTP layer's estimated cycles. Any other spelling of the scheme (case, spaces) takes
// the regular expression, then the same comparison.
import { ProblemError } from './problem';

const BEARER = /^Bearer[ ]+(\S+)[ ]*$/i;

export class TokenCheck {
  private readonly tokens: readonly string[];
  /** Each token as a header, spelt the way clients send it. */
  private readonly headers: readonly string[];

  constructor(tokens: readonly string[], private readonly what: string) {
    this.tokens = [...tokens];
    this.headers = tokens.map((t) => `Bearer ${t}`);
  }

  get required(): boolean {
    return this.tokens.length > 0;
  }

  /** Throws 401 or 403 unless the header carries one of the tokens (or none is required). */
  check(authorization: string | undefined): void {
    if (!this.required) { return; }
    if (authorization !== undefined && isOneOf(authorization, this.headers)) { return; }
    const match = BEARER.exec(authorization ?? '');
    if (!match) {
      throw new ProblemError(401, 'unauthorized', `This endpoint requires ${this.what}: send Authorization: Bearer <token>.`);
    }
    if (!isOneOf(match[1]!, this.tokens)) {
      throw new ProblemError(403, 'forbidden', `The ${this.what} is not one this endpoint accepts. Check the token you were given.`);
    }
  }
}

/** Whether `presented` equals one of `expected`, having compared it with every one of them in full. */
function isOneOf(presented: string, expected: readonly string[]): boolean {
  let found = false;
  for (const e of expected) { found = equalInConstantTime(presented, e) || found; }
  return found;
}

/** Runs over all of `expected` whatever `presented` holds; the characters decide no branch. */
function equalInConstantTime(presented: string, expected: string): boolean {
  const other = presented.length === expected.length ? presented : expected;
  let difference = presented.length ^ expected.length;
  for (let i = 0; i < expected.length; i++) { difference |= expected.charCodeAt(i) ^ other.charCodeAt(i); }
  return difference === 0;
}
