/**
 * The language the configuration's keys are declared in: each helper makes a {@link Key} that
 * carries the type of the value it reads, so the configuration's type is inferred from its schema
 * ({@link Infer}) instead of being written a second time.
 */

/** The kinds of value a key reads. */
export type KeyType = 'string' | 'integer' | 'boolean' | 'labels' | 'map' | 'object' | 'list' | 'strings' | 'dict';

/** A check of a string, from the library: a sentence naming the field, or undefined. */
export type StringCheck = (field: string, value: string) => string | undefined;

/** The type of one configuration key and the check of its value; `T` is the type of the value read. */
export interface Key<T = unknown> {
  readonly type: KeyType;
  /** Allowed values of a string. */
  readonly oneOf?: readonly string[];
  /** Bounds of an integer. */
  readonly min?: number;
  readonly max?: number;
  readonly check?: StringCheck;
  /** Keys of an object, or of each object in a list. */
  readonly keys?: Schema;
  /** A check of a whole string map (a sentence per problem). */
  readonly checkMap?: (field: string, value: Readonly<Record<string, string>>) => readonly string[];
  /** The value of each entry of a `dict` (an object whose keys are the user's, such as host names). */
  readonly values?: Key;
  /** A key its object cannot do without (checked whenever the object is given). */
  readonly required?: boolean;
  /** Never set: carries `T` for {@link Infer}. */
  readonly _value?: T;
}

export type Schema = { readonly [name: string]: Key };

type ValueOf<K> = K extends Key<infer T> ? T : never;
type RequiredNames<S extends Schema> = { [N in keyof S]: S[N] extends { readonly required: true } ? N : never }[keyof S];

/** The value a schema reads: required keys present, the others optional, each of its key's type. */
export type Infer<S extends Schema> = { readonly [N in RequiredNames<S>]: ValueOf<S[N]> } & {
  readonly [N in Exclude<keyof S, RequiredNames<S>>]?: ValueOf<S[N]>;
};

export const str = (check?: StringCheck): Key<string> => ({ type: 'string', check });
export const required = <T>(key: Key<T>): Key<T> & { readonly required: true } => ({ ...key, required: true });
export const int = (min: number, max: number): Key<number> => ({ type: 'integer', min, max });
export const bool: Key<boolean> = { type: 'boolean' };
export const oneOf = <const V extends string>(values: readonly V[]): Key<V> => ({ type: 'string', oneOf: values });
export const port = int(1, 65535);
export const seconds = int(1, 86400);
export const labelMap: Key<Record<string, string>> = { type: 'labels' };
export const object = <S extends Schema>(keys: S): Key<Infer<S>> => ({ type: 'object', keys });
export const list = <S extends Schema>(keys: S): Key<Infer<S>[]> => ({ type: 'list', keys });
export const strings = (check?: StringCheck): Key<string[]> => ({ type: 'strings', check });
export const stringMap = (checkMap: Key['checkMap']): Key<Record<string, string>> => ({ type: 'map', checkMap });
export const dict = <T>(values: Key<T>): Key<Record<string, T>> => ({ type: 'dict', values });
