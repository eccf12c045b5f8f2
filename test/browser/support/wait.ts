// Waits for the page to reach a state, by polling: the page object is used by the tests and by the bench,
// so it does not depend on the test runner's own polling.
export async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await read();
    if (ok(last)) { return last; }
    if (Date.now() > deadline) { throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${JSON.stringify(last)?.slice(0, 300)}`); }
    await new Promise((r) => setTimeout(r, 25));
  }
}
