// Tokens of PROTOCOL.md §3: `Authorization: Bearer <token>`; missing is 401, wrong is 403. Comparison
// takes the same time whichever token is presented and however much of it matches: both sides are
// hashed to 32 bytes and every configured token is compared, with no early exit.
import { hash, timingSafeEqual } from 'node:crypto';
import { ProblemError } from './problem';

export class TokenCheck {
  private readonly digests: Buffer[];

  constructor(tokens: readonly string[], private readonly what: string) {
    this.digests = tokens.map(digest);
  }

  get required(): boolean {
    return this.digests.length > 0;
  }

  /** Throws 401 or 403 unless the header carries one of the tokens (or none is required). */
  check(authorization: string | undefined): void {
    if (!this.required) { return; }
    const match = /^Bearer[ ]+(\S+)[ ]*$/i.exec(authorization ?? '');
    if (!match) {
      throw new ProblemError(401, 'unauthorized', `This endpoint requires ${this.what}: send Authorization: Bearer <token>.`);
    }
    const presented = digest(match[1]!);
    let ok = false;
    for (const d of this.digests) { ok = timingSafeEqual(d, presented) || ok; }
    if (!ok) {
      throw new ProblemError(403, 'forbidden', `The ${this.what} is not one this endpoint accepts. Check the token you were given.`);
    }
  }
}

// The one-shot form: a third of createHash().update().digest()'s cost, paid on every request.
function digest(token: string): Buffer {
  return hash('sha256', token, 'buffer');
}
