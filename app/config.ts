/**
 * The app's configuration: the `terminal` key of the cdktf context (`cdktf.json` or the CLI's
 * `CDKTF_CONTEXT_JSON`), the `TERMINAL_*` variables, and `TERMINAL_CONFIG` (a JSON object merged
 * last). Its keys are declared once, in `config-schema.ts`: a key not declared there is an error with
 * the closest known key, at every level. Values are checked with the library's checks, and the props
 * they make with the terminal's own rules, so a fact is checked in one function; every problem is
 * reported at once and quotes the value as given.
 *
 * With no configuration at all the app synthesizes the built-in example, marked so that a plan of it
 * fails; as soon as anything is configured, `host` and `ttyd` are required and the example
 * contributes nothing.
 */
import { JsonObject, JsonValue, isJsonObject, newObject, quote } from './json-source';
import { ConfigInput, SCHEMA } from './config-schema';
import { EXAMPLE, envLayer, isConfigured, merge } from './config-sources';
import { readObject } from './schema-reader';
import type { DnsOptions } from '../lib/dns-records';
import type { TerminalStackProps } from '../lib/terminal-stack-props';
import type { TerminalRouteOptions } from '../lib/webterminal-props';
import { TtydBackend } from '../lib/ttyd-backend';
import { checkDnsOptions } from '../lib/private/dns-checks';
import { terminalRuleProblems } from '../lib/private/terminal-rules';
import type { Problems } from '../lib/private/validation';

/** The configuration as the app uses it: checked, with the example's values when it is the example. */
export interface TerminalConfig {
  /** Whether this is the built-in example (no configuration was given). */
  readonly example: boolean;
  /** Stack name: the folder under `cdktf.out/stacks/` and the `pg` schema. */
  readonly stackName: string;
  readonly props: TerminalStackProps;
}

/** Every scalar under `value` with its dotted path (`probe.remediation.mode`). */
function leaves(path: string, value: unknown): [string, unknown][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [[path, value]];
  return Object.entries(value).flatMap(([key, v]) => leaves(`${path}.${key}`, v));
}

/**
 * Builds the configuration from the `terminal` context value and the environment. Every problem
 * found is recorded in `problems`; the result is only meaningful when there is none.
 */
export function loadTerminalConfig(terminalContext: JsonValue | undefined, env: NodeJS.ProcessEnv, problems: Problems): TerminalConfig {
  const example = !isConfigured(terminalContext, env);
  let data: JsonObject;
  if (example) {
    data = merge(EXAMPLE, envLayer(env, problems)); // only KUBE_* can be set here
  } else {
    if (terminalContext !== undefined && !isJsonObject(terminalContext))
      problems.add(`terminal ${quote(terminalContext)} (the cdktf context key) is not an object`);
    data = merge(isJsonObject(terminalContext) ? terminalContext : newObject(), envLayer(env, problems));
  }
  const c = readObject(SCHEMA, data, '', problems) as ConfigInput;

  if (!example) {
    if (data.host === undefined) problems.add('host is not set: give the public host name (cdktf.json context "terminal.host", or TERMINAL_HOST)');
    const ttyd = isJsonObject(data.ttyd) ? data.ttyd : undefined;
    if (ttyd === undefined && data.ttyd === undefined)
      problems.add('ttyd is not set: give { "mode": "external", "address": ... } (or TERMINAL_TTYD_ADDRESS) or { "mode": "in-cluster" }');
    else if (ttyd !== undefined && ttyd.mode !== 'in-cluster' && ttyd.address === undefined)
      problems.add('ttyd.address is not set: give the address of the ttyd host (or TERMINAL_TTYD_ADDRESS), or "mode": "in-cluster"');
  }
  // Keys of one ttyd mode given with the other: the props have no place for them.
  const ttydMode = c.ttyd?.mode ?? 'external';
  if (ttydMode === 'external') {
    for (const k of ['image', 'authHeader'] as const)
      if (c.ttyd?.[k] !== undefined) problems.add(`ttyd.${k} ${JSON.stringify(c.ttyd[k])} needs ttyd.mode "in-cluster" (it is "external")`);
  } else {
    for (const k of ['address', 'mutualTls'] as const)
      if (c.ttyd?.[k] !== undefined) problems.add(`ttyd.${k} ${JSON.stringify(c.ttyd[k])} needs ttyd.mode "external" (it is "${ttydMode}")`);
  }
  // Settings of a part that is off are read by nothing, so they are not checked either: refused.
  for (const [part, settings] of [
    ['probe', c.probe],
    ['alerts', c.alerts],
    ['dashboard', c.dashboard],
  ] as const) {
    if (settings?.enabled !== false) continue;
    for (const [field, value] of leaves(part, settings)) {
      if (field !== `${part}.enabled`)
        problems.add(`${field} ${JSON.stringify(value)} is set with ${part}.enabled false, so nothing reads it; leave it out`);
    }
  }
  if (c.stateBackend !== 'pg' && c.pgSchemaName !== undefined) problems.add('pgSchemaName needs stateBackend "pg"');
  if (c.adoptSkip !== undefined && c.adopt !== true) problems.add('adoptSkip needs adopt true');
  if (c.dns?.mode !== undefined && c.dns?.zoneId !== undefined) checkDnsOptions(c.dns).forEach((p) => problems.add(p));
  const props = terminalStackProps(c);
  // The rules of the terminal's props, the construct's own table: one message for both.
  problems.addAll(terminalRuleProblems(props));
  return { example, stackName: c.stackName ?? 'terminal', props };
}

/** The stack props a checked configuration stands for. */
function terminalStackProps(c: ConfigInput): TerminalStackProps {
  const t = c.ttyd ?? {};
  const ttyd =
    t.mode === 'in-cluster'
      ? TtydBackend.inCluster(defined({ image: t.image, authHeader: t.authHeader, port: t.port }))
      : TtydBackend.externalHost(defined({ address: t.address ?? '', port: t.port, mutualTls: t.mutualTls }));
  // A required key can still be missing here, when its problem is already recorded: '' stands in.
  const routes: TerminalRouteOptions[] = (c.routes ?? []).map((r) =>
    defined({
      name: r.name,
      path: r.path,
      paths: r.paths,
      prefixes: r.prefixes,
      hostPort: r.hostPort,
      service: r.service,
      stripPrefix: r.stripPrefix,
      auth: r.auth,
      authReason: r.authReason,
      middlewares: r.middlewares,
      compress: r.compress,
      probe: r.probe,
    }),
  );
  return defined({
    host: c.host ?? '',
    ttyd,
    namespace: c.namespace,
    namespaceLabels: c.namespaceLabels,
    tlsSecretName: c.tlsSecretName,
    ingressKind: c.ingressKind,
    auth: c.auth,
    authReason: c.authReason,
    authMiddleware: c.authMiddleware,
    createAuthMiddleware: c.createAuthMiddleware,
    authOutpostUrl: c.authOutpostUrl,
    authentikOutpost: c.authentikOutpost,
    traefik: c.traefik,
    middlewares: c.middlewares,
    mirror: c.mirror,
    annotations: c.annotations,
    dns: c.dns !== undefined ? dnsOptions(c.dns) : undefined,
    namespaceIgnoredLabels: c.namespaceIgnoredLabels,
    adopt: c.adopt,
    adoptSkip: c.adoptSkip,
    routes,
    kubeConfigPath: c.kubeConfigPath,
    kubeContext: c.kubeContext,
    stateBackend: c.stateBackend,
    pgSchemaName: c.pgSchemaName,
    probe: c.probe,
    alerts: c.alerts,
    dashboard: c.dashboard,
  });
}

/** The DNS options of the configuration's `dns`: all but `provider`, which only Cloudflare fills. */
function dnsOptions({ provider: _cloudflare, ...options }: NonNullable<ConfigInput['dns']>): DnsOptions {
  return defined(options);
}

/** Drops unset keys, so spreading the result over defaults keeps them. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
