/**
 * Whether a JSON text nests objects and arrays deeper than `maxDepth`, found by one pass over its
 * bytes before anything parses it. A signed body nested thousands of levels deep parses, but then
 * overflows the stack wherever it is walked again (JSON.stringify for the event), and would fail
 * the same way on every resend. Strings are skipped (a bracket inside one is not nesting); the text
 * need not be valid JSON: the parser that follows judges that.
 */
export function exceedsJsonDepth(text: Uint8Array, maxDepth: number): boolean {
  const QUOTE = 0x22;
  const BACKSLASH = 0x5c;
  const [OPEN_OBJECT, CLOSE_OBJECT, OPEN_ARRAY, CLOSE_ARRAY] = [0x7b, 0x7d, 0x5b, 0x5d];
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const byte = text[i];
    if (inString) {
      if (byte === BACKSLASH) i += 1;
      else if (byte === QUOTE) inString = false;
      continue;
    }
    if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      depth += 1;
      if (depth > maxDepth) return true;
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      depth -= 1;
    }
  }
  return false;
}
