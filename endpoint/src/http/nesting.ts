// Nesting depth of a parsed JSON value, counted only as deep as it matters: recursion stops one level
// past the limit, so a value nested 100,000 deep costs a few dozen calls and cannot exhaust the stack.
// (protocol/json-depth.ts counts without recursion; this is the endpoint's faster bounded form, run on
// every body and every event.)

/** min(depth of `value`, limit + 1), where a scalar is 0 and `{}` or `[]` is 1. */
export function depthUpTo(value: unknown, limit: number): number {
  if (value === null || typeof value !== 'object') { return 0; }
  if (limit <= 0) { return 1; }
  let deepest = 0;
  if (Array.isArray(value)) {
    for (const child of value) {
      if (child !== null && typeof child === 'object') {
        const d = depthUpTo(child, limit - 1);
        if (d > deepest) { deepest = d; if (deepest >= limit) { break; } }
      }
    }
  } else {
    // for…in over a JSON.parse result sees exactly its own members (an own `__proto__` included).
    for (const key in value) {
      const child = (value as Record<string, unknown>)[key];
      if (child !== null && typeof child === 'object') {
        const d = depthUpTo(child, limit - 1);
        if (d > deepest) { deepest = d; if (deepest >= limit) { break; } }
      }
    }
  }
  return 1 + deepest;
}
