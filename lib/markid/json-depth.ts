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
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const byte = text[i];
    if (inString) {
      if (byte === BACKSLASH) i += 1;
      else if (byte === QUOTE) inString = false;
      continue;
    }
    switch (byte) {
      case QUOTE:
        inString = true;
        break;
      case 0x7b: // {
      case 0x5b: // [
        depth += 1;
        if (depth > maxDepth) return true;
        break;
      case 0x7d: // }
      case 0x5d: // ]
        depth -= 1;
        break;
    }
  }
  return false;
}
