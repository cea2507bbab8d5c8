/**
 * Where the configuration comes from: the cdktf context's `terminal` key, the `TERMINAL_*` variables
 * and `TERMINAL_CONFIG`, merged in that order; and the built-in example when none is given.
 */
import { JsonObject, JsonValue, SourceNumber, isJsonObject, newObject, parseJson, quote } from './json-source';
import type { Key } from './schema';
import { SCHEMA } from './config-schema';
import type { Problems } from '../lib/private/validation';

/** Environment variables that set one key each (applied after the context, before `TERMINAL_CONFIG`). */
export const CONFIG_ENV: Readonly<Record<string, string>> = {
  TERMINAL_HOST: 'host',
  TERMINAL_NAMESPACE: 'namespace',
  TERMINAL_TLS_SECRET: 'tlsSecretName',
  TERMINAL_TTYD_ADDRESS: 'ttyd.address',
  TERMINAL_TTYD_PORT: 'ttyd.port',
  TERMINAL_INGRESS_KIND: 'ingressKind',
  TERMINAL_AUTH: 'auth',
  TERMINAL_AUTH_REASON: 'authReason',
  TERMINAL_STATE_BACKEND: 'stateBackend',
  TERMINAL_PUSHGATEWAY_URL: 'probe.pushgatewayUrl',
};

/** The variable with a JSON object merged over everything else. */
export const CONFIG_JSON_ENV = 'TERMINAL_CONFIG';

/**
 * The built-in example, used only when nothing is configured: the original setup's shape with
 * documentation addresses (`192.0.2.10` is TEST-NET-1, RFC 5737).
 */
export const EXAMPLE: JsonObject = parseJson(
  JSON.stringify({
    host: 'terminal.example.com',
    ttyd: { mode: 'external', address: '192.0.2.10', port: 7681 },
    routes: [
      { path: '/clipboard/', hostPort: 7683 },
      { path: '/api/sessions/', hostPort: 7684 },
    ],
  }),
) as JsonObject;

/** Objects merge key by key; lists and scalars replace. Both sides are left as they are. */
export function merge(base: JsonObject, over: JsonObject): JsonObject {
  const out = newObject();
  for (const key of Object.keys(base)) out[key] = base[key];
  for (const key of Object.keys(over)) {
    const a = out[key];
    const b = over[key];
    out[key] = isJsonObject(a) && isJsonObject(b) ? merge(a, b) : b;
  }
  return out;
}

/** The layer the `TERMINAL_*` variables make; values are taken as given (numbers keep their text). */
export function envLayer(env: NodeJS.ProcessEnv, problems: Problems): JsonObject {
  let layer = newObject();
  for (const [variable, path] of Object.entries(CONFIG_ENV)) {
    const raw = env[variable];
    if (raw === undefined || raw === '') continue;
    const names = path.split('.');
    const key = names.reduce<Key | undefined>((k, n) => (k === undefined ? (SCHEMA as Record<string, Key>)[n] : k.keys?.[n]), undefined);
    const value: JsonValue = key?.type === 'integer' && /^-?\d+(\.\d+)?$/.test(raw.trim()) ? new SourceNumber(Number(raw), raw) : raw;
    const nested = names.reduceRight<JsonValue>((inner, n) => {
      const o = newObject();
      o[n] = inner;
      return o;
    }, value) as JsonObject;
    layer = merge(layer, nested);
  }
  const json = env[CONFIG_JSON_ENV];
  if (json !== undefined && json !== '') {
    const parsed = parseSource(CONFIG_JSON_ENV, json, problems);
    if (parsed !== undefined && !isJsonObject(parsed)) problems.add(`${CONFIG_JSON_ENV} ${quote(parsed)} is not a JSON object`);
    else if (parsed !== undefined) layer = merge(layer, parsed);
  }
  return layer;
}

/** Parses JSON from `source`, recording a problem (naming the source) when it is not valid JSON. */
export function parseSource(source: string, text: string, problems: Problems): JsonValue | undefined {
  try {
    return parseJson(text);
  } catch (e) {
    problems.add(`${source} is not valid JSON: ${(e as Error).message}`);
    return undefined;
  }
}

/** Whether any configuration is given: the `terminal` context key, or a `TERMINAL_*` variable the app reads. */
export function isConfigured(terminalContext: JsonValue | undefined, env: NodeJS.ProcessEnv): boolean {
  const variables = [...Object.keys(CONFIG_ENV).filter((name) => name.startsWith('TERMINAL_')), CONFIG_JSON_ENV];
  return terminalContext !== undefined || variables.some((name) => env[name] !== undefined && env[name] !== '');
}
