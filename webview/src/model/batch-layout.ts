// Where each event sits inside a batch's bytes. The panel shows the body exactly as it will be sent, so
// it never re-serialises an event: it finds the span of each element of the body's `events` array and
// shows that slice of the original text. Head, spans, separators and tail together are the whole body.

export interface Span { readonly start: number; readonly end: number }

export type BatchLayout =
  | { readonly ok: true; readonly events: readonly Span[]; readonly parsed: Record<string, unknown> }
  | { readonly ok: false; readonly problem: string };

const isWhitespace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

class Scanner {
  i = 0;
  constructor(readonly text: string) {}
  ws(): void { while (this.i < this.text.length && isWhitespace(this.text.charCodeAt(this.i))) { this.i++; } }
  peek(): string { return this.text[this.i] ?? ''; }
  /** Past the string that starts at `i` (on its opening quote). */
  string(): void {
    this.i++;
    while (this.i < this.text.length) {
      const c = this.text.charCodeAt(this.i);
      if (c === 0x5c) { this.i += 2; continue; }
      this.i++;
      if (c === 0x22) { return; }
    }
    throw new Error('a string is not closed');
  }
  /** Past the value that starts at `i`; the body was already parsed, so only nesting needs tracking. */
  value(): void {
    const c = this.peek();
    if (c === '"') { this.string(); return; }
    if (c === '{' || c === '[') {
      let depth = 0;
      while (this.i < this.text.length) {
        const d = this.peek();
        if (d === '"') { this.string(); continue; }
        this.i++;
        if (d === '{' || d === '[') { depth++; } else if ((d === '}' || d === ']') && --depth === 0) { return; }
      }
      throw new Error('an object or array is not closed');
    }
    const from = this.i;
    while (this.i < this.text.length && !',]} \n\r\t'.includes(this.peek())) { this.i++; }
    if (this.i === from) { throw new Error(`unexpected ${JSON.stringify(c)} at ${from}`); }
  }
  expect(c: string): void {
    if (this.peek() !== c) { throw new Error(`expected ${JSON.stringify(c)} at ${this.i}`); }
    this.i++;
  }
}

/** The spans of the body's events, or why the body cannot be read as a batch (its bytes are then shown whole). */
export function layOutBatch(body: string): BatchLayout {
  let parsed: unknown;
  try { parsed = JSON.parse(body); } catch { return { ok: false, problem: 'The body is not valid JSON.' }; }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) { return { ok: false, problem: 'The body is not a JSON object.' }; }
  const events = (parsed as { events?: unknown }).events;
  if (!Array.isArray(events)) { return { ok: false, problem: 'The body has no `events` array.' }; }
  try {
    const s = new Scanner(body);
    let spans: Span[] = [];
    s.ws(); s.expect('{'); s.ws();
    while (s.peek() !== '}') {
      const keyStart = s.i;
      s.string();
      const key = JSON.parse(body.slice(keyStart, s.i)) as string;
      s.ws(); s.expect(':'); s.ws();
      if (key === 'events' && s.peek() === '[') {
        // JSON.parse keeps the last of repeated keys, and so does this.
        spans = [];
        s.i++; s.ws();
        while (s.peek() !== ']') {
          const start = s.i;
          s.value();
          spans.push({ start, end: s.i });
          s.ws();
          if (s.peek() === ',') { s.i++; s.ws(); }
        }
        s.i++;
      } else {
        s.value();
      }
      s.ws();
      if (s.peek() === ',') { s.i++; s.ws(); }
    }
    if (spans.length !== events.length) { return { ok: false, problem: 'The events in the body could not be located.' }; }
    return { ok: true, events: spans, parsed: parsed as Record<string, unknown> };
  } catch (e) {
    return { ok: false, problem: `The events in the body could not be located (${(e as Error).message}).` };
  }
}
