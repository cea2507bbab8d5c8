// @ts-check
/** A streaming count of a JSON array's elements, for Traefik's router list (the inventory's only). */

/**
 * Counts the elements of a top-level JSON array fed in chunks, without building it: tracks nesting,
 * strings and escapes, and checks the shape (`[` ... `]`, balanced, nothing after). Not a full JSON
 * validator; enough to count Traefik's router objects and refuse what is plainly not such a list.
 * @returns {{ feed: (chunk: Buffer) => void, end: () => number | string }}  end: the count, or what is wrong
 */
export function jsonArrayCounter() {
  let depth = 0;
  let started = false;
  let closed = false;
  let inString = false;
  let escaped = false;
  let elements = 0;
  let sawValue = false;
  /** @type {string | undefined} */
  let problem;
  const OPEN = new Set([0x5b, 0x7b]);
  const CLOSE = new Set([0x5d, 0x7d]);
  return {
    feed: (chunk) => {
      for (let i = 0; i < chunk.length && problem === undefined; i += 1) {
        const c = chunk[i];
        if (inString) {
          if (escaped) escaped = false;
          else if (c === 0x5c) escaped = true;
          else if (c === 0x22) inString = false;
          continue;
        }
        const space = c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
        if (space) continue;
        if (closed) {
          problem = 'body is not a JSON array (data after its end)';
        } else if (!started) {
          if (c === 0x5b) {
            started = true;
            depth = 1;
          } else {
            problem = 'body is not a JSON array';
          }
        } else if (c === 0x22) {
          inString = true;
          if (depth === 1) sawValue = true;
        } else if (OPEN.has(c)) {
          if (depth === 1) sawValue = true;
          depth += 1;
        } else if (CLOSE.has(c)) {
          depth -= 1;
          if (depth === 0) {
            if (c !== 0x5d) problem = 'body is not JSON (unbalanced brackets)';
            closed = true;
            if (sawValue) elements += 1;
          }
        } else if (c === 0x2c && depth === 1) {
          if (!sawValue) problem = 'body is not JSON (empty array element)';
          elements += 1;
          sawValue = false;
        } else if (depth === 1) {
          sawValue = true;
        }
      }
    },
    end: () => problem ?? (closed && !inString ? elements : 'body is not JSON (a truncated array)'),
  };
}
