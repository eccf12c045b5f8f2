// Stack frames an error event may carry: function names, and files only as paths inside the reporting
// extension — anything else is reduced to its file extension, so no home folder or user name leaves.
export interface StackFrame {
  function?: string;
  file?: string;
  line?: number;
  column?: number;
}

export const MAX_FRAMES = 64;
// "    at fn (file:line:col)", "    at file:line:col", "    at async fn (file:line:col)"
const V8_FRAME = /^\s*at (?:async )?(?:(.+?) \()?(.+?)(?::(\d+))?(?::(\d+))?\)?$/;

/** Parses a V8 stack into frames, innermost first, with files made relative to `extensionRoot` or reduced. */
export function stackFrames(stack: unknown, extensionRoot: string | undefined): StackFrame[] {
  if (typeof stack !== 'string') { return []; }
  const frames: StackFrame[] = [];
  for (const line of stack.split('\n').slice(1)) {
    const m = V8_FRAME.exec(line);
    if (!m) { continue; }
    const [, fn, location, lineNo, col] = m;
    const frame: StackFrame = {};
    if (fn) { frame.function = fn.slice(0, 256); }
    const file = reduceFile(location ?? '', extensionRoot);
    if (file) { frame.file = file; }
    const l = Number(lineNo);
    const c = Number(col);
    if (Number.isInteger(l) && l >= 1 && l <= 10_000_000) { frame.line = l; }
    if (Number.isInteger(c) && c >= 1 && c <= 10_000_000) { frame.column = c; }
    frames.push(frame);
    if (frames.length >= MAX_FRAMES) { break; }
  }
  return frames;
}

function reduceFile(location: string, extensionRoot: string | undefined): string | undefined {
  if (location === 'native' || location === '<anonymous>') { return location; }
  let path = location.replace(/^file:\/\//, '');
  try { path = decodeURIComponent(path); } catch { /* keep as is */ }
  path = path.replace(/\\/g, '/');
  if (/^node:[a-z_/]+$/.test(path)) { return path; }
  if (extensionRoot) {
    const root = extensionRoot.replace(/\\/g, '/').replace(/\/+$/, '') + '/';
    if (path.toLowerCase().startsWith(root.toLowerCase())) {
      const inside = path.slice(root.length);
      if (/^[A-Za-z0-9._\-/]+$/.test(inside) && !inside.includes('..')) { return inside.slice(0, 256); }
    }
  }
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(path)?.[1];
  return ext ? `<path>.${ext}` : '<path>';
}
