// Nesting depth of a parsed JSON value, without recursion (a hostile value must not overflow the stack).

/** Depth of `value`: a scalar is 0, `{}` or `[]` is 1, `{"a":[1]}` is 2. Stops counting past `limit`. */
export function jsonDepth(value: unknown, limit = Number.POSITIVE_INFINITY): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') { continue; }
    if (depth > max) { max = depth; if (max > limit) { return max; } }
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === 'object') { stack.push([child, depth + 1]); }
    }
  }
  return max;
}

/** Depth of raw JSON text by counting brackets outside strings, before parsing it. */
export function jsonTextDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) { i++; } else if (c === 0x22) { inString = false; }
    } else if (c === 0x22) { inString = true; } else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) { max = depth; if (max > limit) { return max; } }
    } else if (c === 0x7d || c === 0x5d) { depth--; }
  }
  return max;
}
