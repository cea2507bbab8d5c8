/** `parseJson`: the configuration's JSON reader (numbers as written, own keys, bounded nesting). */
import { type JsonNode } from '../support/synth';
import { parseJson, SourceNumber } from '../../app/json-source';

const deep = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`;

describe('parseJson', () => {
  test('keeps numbers as written and __proto__ as an own key', () => {
    const parsed = parseJson('{"a": 99999999999999999999999, "__proto__": {"b": -0.50}}') as Record<string, JsonNode>;
    expect(parsed.a).toBeInstanceOf(SourceNumber);
    expect(parsed.a.text).toBe('99999999999999999999999');
    expect(Object.keys(parsed)).toStrictEqual(['a', '__proto__']);
    expect(parsed.__proto__.b.text).toBe('-0.50');
  });

  test('refuses deep nesting with a message, not a RangeError', () => {
    expect(() => parseJson(deep(60000))).toThrow('nested deeper than 32 levels');
  });
});
