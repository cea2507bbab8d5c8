/**
 * Reading JSON by a {@link Schema}: every value checked against its key, unknown keys reported with
 * the closest known one, every problem recorded at once.
 */
import { JsonObject, JsonValue, SourceNumber, isJsonObject, quote } from './json-source';
import type { Key, Schema } from './schema';
import { configRename, renamedSentence } from '../lib/private/renames';
import { Problems, checkHttpUrl, checkMetadata } from '../lib/private/validation';

/** Levenshtein distance, ignoring case, for "did you mean". */
function distance(a: string, b: string): number {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  const row = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= y.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (x[i - 1] === y[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[y.length];
}

/** The known key nearest to `key`; of equally near ones, the first. */
function closest(key: string, known: readonly string[]): string {
  let best = known[0];
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = distance(key, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

/** A value as read: JSON without null, numbers as numbers. */
export type Plain = string | number | boolean | Plain[] | { [key: string]: Plain };

/** Checks `value` against `key`, recording problems under `field`; returns the plain value, or undefined. */
function readValue(key: Key, value: JsonValue, field: string, problems: Problems, root: Schema): Plain | undefined {
  const wrong = (want: string): undefined => {
    problems.add(`${field} ${quote(value)} is not ${want}`);
    return undefined;
  };
  switch (key.type) {
    case 'string': {
      if (typeof value !== 'string') return wrong(key.oneOf ? `one of ${key.oneOf.map((v) => JSON.stringify(v)).join(', ')}` : 'a string');
      if (key.oneOf && !key.oneOf.includes(value)) return wrong(`one of ${key.oneOf.map((v) => JSON.stringify(v)).join(', ')}`);
      // eslint-disable-next-line no-control-regex -- finding control characters is what this pattern is for
      if (/[\u0000-\u001f\u007f]/.test(value) && key.check !== checkHttpUrl) return wrong('free of control characters');
      const problem = key.check?.(field, value);
      problems.add(problem);
      return problem === undefined ? value : undefined;
    }
    case 'integer': {
      const n = value instanceof SourceNumber ? value.value : NaN;
      if (!(value instanceof SourceNumber)) return wrong('a number');
      if (!Number.isSafeInteger(n) || !/^-?\d+$/.test(value.text) || n < key.min! || n > key.max!)
        return wrong(`an integer from ${key.min} to ${key.max}`);
      return n;
    }
    case 'boolean':
      return typeof value === 'boolean' ? value : wrong('true or false');
    case 'labels': {
      if (!isJsonObject(value)) return wrong('an object of label names to strings');
      const bad = Object.entries(value).find(([, v]) => typeof v !== 'string');
      if (bad) return wrong(`an object of label names to strings (${JSON.stringify(bad[0])} is ${quote(bad[1])})`);
      const labels = Object.fromEntries(Object.entries(value)) as Record<string, string>;
      const found = checkMetadata(field, 'labels', labels);
      problems.addAll(found);
      return found.length === 0 ? labels : undefined;
    }
    case 'map': {
      if (!isJsonObject(value)) return wrong('an object of names to strings');
      const bad = Object.entries(value).find(([, v]) => typeof v !== 'string');
      if (bad) return wrong(`an object of names to strings (${JSON.stringify(bad[0])} is ${quote(bad[1])})`);
      const map = Object.fromEntries(Object.entries(value)) as Record<string, string>;
      const found = key.checkMap?.(field, map) ?? [];
      found.forEach((p) => problems.add(p));
      return found.length === 0 ? map : undefined;
    }
    case 'object':
      return isJsonObject(value) ? readObject(key.keys!, value, field, problems, root) : wrong('an object');
    case 'dict': {
      if (!isJsonObject(value)) return wrong('an object');
      const out: { [key: string]: Plain } = {};
      for (const name of Object.keys(value)) {
        const item = readValue(key.values!, value[name], `${field}.${name}`, problems, root);
        if (item !== undefined) out[name] = item;
      }
      return out;
    }
    case 'strings':
      if (!Array.isArray(value)) return wrong('a list of strings');
      return value.map((item, i) => readValue({ type: 'string', check: key.check }, item, `${field}[${i}]`, problems, root) ?? '');
    case 'list':
      if (!Array.isArray(value)) return wrong('a list');
      return value.map(
        (item, i) =>
          (isJsonObject(item)
            ? readObject(key.keys!, item, `${field}[${i}]`, problems, root)
            : wrong(`a list of objects (item ${i} is ${quote(item)})`)) ?? {},
      );
  }
}

/** Every key of the schema as a dotted path (`alerts.restartGuardSelector`), lists as `routes[]`. */
function schemaPaths(schema: Schema, prefix = ''): string[] {
  return Object.entries(schema).flatMap(([name, key]) => {
    const path = prefix === '' ? name : `${prefix}.${name}`;
    if (key.type === 'object' && key.keys !== undefined) return [path, ...schemaPaths(key.keys, path)];
    if (key.type === 'list' && key.keys !== undefined) return [path, ...schemaPaths(key.keys, `${path}[]`)];
    return [path];
  });
}

/**
 * What an unknown key most likely means: the same key at another level of the whole schema (a key of
 * `alerts` given at the top), else the nearest key at its own level.
 */
function didYouMean(name: string, known: readonly string[], root: Schema): string {
  const near = closest(name, known);
  if (distance(name, near) === 0) return near;
  const elsewhere = schemaPaths(root).filter((path) => path.split('.').at(-1)?.toLowerCase() === name.toLowerCase());
  return elsewhere[0] ?? near;
}

/**
 * Reads an object by its schema: unknown keys are problems, with the closest known key (of the
 * whole schema, `root`, when the key belongs to another level).
 */
export function readObject(schema: Schema, data: JsonObject, prefix: string, problems: Problems, root: Schema = schema): { [key: string]: Plain } {
  const out: { [key: string]: Plain } = {};
  const known = Object.keys(schema);
  for (const name of Object.keys(data)) {
    const field = prefix === '' ? name : `${prefix}.${name}`;
    if (!Object.prototype.hasOwnProperty.call(schema, name)) {
      const renamed = configRename(field);
      problems.add(
        renamed !== undefined
          ? renamedSentence(field, renamed.to, renamed.rename.release)
          : `${field}: unknown key; did you mean ${JSON.stringify(didYouMean(name, known, root))}?`,
      );
      continue;
    }
    // A list that became an object keeps its key: its rename names the new place (`middlewares` -> `middlewares.afterAuth`).
    const listRename = schema[name].type === 'object' && Array.isArray(data[name]) ? configRename(`${field}[]`) : undefined;
    if (listRename !== undefined) {
      problems.add(renamedSentence(`${field}[]`, listRename.to, listRename.rename.release));
      continue;
    }
    const value = readValue(schema[name], data[name], field, problems, root);
    if (value !== undefined) out[name] = value;
  }
  for (const name of known) {
    if (schema[name].required === true && !Object.prototype.hasOwnProperty.call(data, name)) {
      problems.add(`${prefix === '' ? name : `${prefix}.${name}`} is required`);
    }
  }
  return out;
}
