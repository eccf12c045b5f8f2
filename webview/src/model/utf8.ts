// Byte counts as the transport counts them: the body leaves as UTF-8, so sizes shown are UTF-8 bytes,
// not JavaScript string lengths. A lone surrogate counts 3, as TextEncoder writes U+FFFD for it.
export function utf8Length(text: string, start = 0, end = text.length): number {
  let bytes = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) { bytes += 1; }
    else if (c < 0x800) { bytes += 2; }
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < end) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) { bytes += 4; i++; } else { bytes += 3; }
    } else { bytes += 3; }
  }
  return bytes;
}
