/**
 * A JSON reader for the app's configuration that keeps what the user wrote: a number is kept with
 * its source text ({@link SourceNumber}), so an error quotes `99999999999999999999999`, not `1e+23`;
 * objects have no prototype, so `__proto__` is an ordinary key that can be reported; and nesting
 * is bounded, so a deeply nested document is an error, not a `RangeError`.
 */

/** The deepest nesting accepted; real configurations are a handful of levels deep. */
const MAX_DEPTH = 32;

/** A JSON number with the text it was written as. */
export class SourceNumber {
  constructor(
    public readonly value: number,
    public readonly text: string,
  ) {}

  public toJSON(): number {
    return this.value;
  }
}

/** What {@link parseJson} returns. */
export type JsonValue = string | boolean | null | SourceNumber | JsonValue[] | JsonObject;

/** An object without a prototype: every key, `__proto__` too, is its own. */
export type JsonObject = { [key: string]: JsonValue };

/** A plain object made by {@link parseJson} or {@link newObject}. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === null;
}

/** An empty object without a prototype. */
export function newObject(): JsonObject {
  return Object.create(null) as JsonObject;
}

/** The value as the user wrote it (numbers by their source text, strings quoted), cut at 200 characters. */
export function quote(value: unknown): string {
  let text: string;
  if (value instanceof SourceNumber) text = value.text;
  else if (value === undefined) text = 'undefined';
  else text = JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
// eslint-disable-next-line no-control-regex -- finding control characters is what this pattern is for
const STRING = /"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/y;

/** Parses JSON text; throws an Error saying where and what is wrong. */
export function parseJson(text: string): JsonValue {
  let pos = 0;
  const fail = (what: string): never => {
    const line = text.slice(0, pos).split('\n').length;
    throw new Error(`${what} at line ${line}, position ${pos}`);
  };
  const space = (): void => {
    while (pos < text.length && ' \t\n\r'.includes(text[pos])) pos++;
  };
  const value = (depth: number): JsonValue => {
    if (depth > MAX_DEPTH) fail(`nested deeper than ${MAX_DEPTH} levels`);
    space();
    const c = text[pos];
    if (c === '{') {
      pos++;
      const obj = newObject();
      space();
      if (text[pos] === '}') {
        pos++;
        return obj;
      }
      for (;;) {
        space();
        if (text[pos] !== '"') fail('expected a "quoted" key');
        const key = string();
        space();
        if (text[pos] !== ':') fail("expected ':'");
        pos++;
        if (Object.prototype.hasOwnProperty.call(obj, key)) fail(`key ${JSON.stringify(key)} given twice`);
        obj[key] = value(depth + 1);
        space();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === '}') {
          pos++;
          return obj;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      pos++;
      const list: JsonValue[] = [];
      space();
      if (text[pos] === ']') {
        pos++;
        return list;
      }
      for (;;) {
        list.push(value(depth + 1));
        space();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === ']') {
          pos++;
          return list;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return string();
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return v;
      }
    }
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (m) {
      pos += m[0].length;
      return new SourceNumber(Number(m[0]), m[0]);
    }
    return fail(pos >= text.length ? 'unexpected end of input' : `unexpected ${JSON.stringify(text[pos])}`);
  };
  const string = (): string => {
    STRING.lastIndex = pos;
    const m = STRING.exec(text);
    if (!m) fail('bad string');
    pos += m![0].length;
    return JSON.parse(m![0]) as string;
  };
  const result = value(0);
  space();
  if (pos < text.length) fail(`unexpected ${JSON.stringify(text[pos])} after the value`);
  return result;
}
