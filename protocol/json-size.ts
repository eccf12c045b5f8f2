// An upper bound of an event's size as compact JSON (UTF-8 bytes), found without serialising it. The
// extension checks the per-caller size limit on every event another extension sends, and the endpoint
// checks the protocol's event size on every event it is sent again; nearly every event is far below the
// limit, so the exact size (JSON.stringify) is computed only when the bound does not settle it.
// Bounds: a string of n UTF-16 units is at most 6n + 2 bytes (each unit escaped as \uXXXX at worst),
// a number at most 25 characters, true/false/null at most 5.
// A number's longest form is a negative one just above 1e-6 in size: a sign, "0.", five zeros and 17
// significant digits (-0.0000010001347970340252); JavaScript writes smaller ones with an exponent
// (-1.2345678901234567e-308 is 24) and larger ones have at most 21 digits.
const NUMBER_BYTES = 25;

/** An upper bound of `Buffer.byteLength(JSON.stringify(value))`, or Infinity once it passes `limit`. */
export function jsonBytesAtMost(value: unknown, limit: number): number {
  let total = 0;
  const add = (n: number) => { total += n; return total <= limit; };
  const walk = (v: unknown): boolean => {
    switch (typeof v) {
      case 'string': return add(6 * v.length + 2);
      case 'number': return add(NUMBER_BYTES);
      case 'boolean': return add(5);
      case 'object': {
        if (v === null) { return add(4); }
        if (Array.isArray(v)) {
          if (!add(v.length + 2)) { return false; }
          for (const item of v) { if (item === undefined ? !add(4) : !walk(item)) { return false; } }
          return true;
        }
        if (typeof (v as { toJSON?: unknown }).toJSON === 'function') { return add(Buffer.byteLength(JSON.stringify(v) ?? '')); }
        if (!add(2)) { return false; }
        for (const key in v) {
          if (!Object.hasOwn(v, key)) { continue; }
          const member = (v as Record<string, unknown>)[key];
          if (member === undefined || typeof member === 'function' || typeof member === 'symbol') { continue; }
          if (!add(6 * key.length + 4) || !walk(member)) { return false; }
        }
        return true;
      }
      default: return true; // undefined, functions and symbols are left out of JSON
    }
  };
  return walk(value) ? total : Number.POSITIVE_INFINITY;
}
