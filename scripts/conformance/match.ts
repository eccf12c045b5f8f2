// The body pattern of an HTTP exchange (PROTOCOL.md §10): every member of an expected object must be
// present and match; arrays must have the same length and match item by item; other values must be equal.

/** Where and how `actual` differs from `expected`, as "pointer: message" lines; empty when it matches. */
export function mismatches(expected: unknown, actual: unknown, pointer = ''): string[] {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) { return [`${pointer || '/'}: expected an array, got ${show(actual)}`]; }
    if (actual.length !== expected.length) { return [`${pointer || '/'}: expected ${expected.length} items, got ${actual.length}`]; }
    return expected.flatMap((e, i) => mismatches(e, actual[i], `${pointer}/${i}`));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) { return [`${pointer || '/'}: expected an object, got ${show(actual)}`]; }
    return Object.entries(expected).flatMap(([k, e]) => {
      const at = `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (!Object.prototype.hasOwnProperty.call(actual, k)) { return [`${at}: missing`]; }
      return mismatches(e, (actual as Record<string, unknown>)[k], at);
    });
  }
  return Object.is(expected, actual) ? [] : [`${pointer || '/'}: expected ${show(expected)}, got ${show(actual)}`];
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
