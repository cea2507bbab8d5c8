/**
 * A stand-in for terraform-provider-kubernetes v2.38.0, which cannot be built here: the Kubernetes API
 * objects its resources would create from a synthesized `cdk.tf.json`, so a test can apply the stack to
 * a real kube-apiserver. Everything below was read in the provider's source at that tag (`kubernetes/`):
 * - names, and the singular blocks that become plural lists, from the expanders (`expand*` in
 *   `structures*.go`, `structure_*.go` and each `resource_kubernetes_*.go`);
 * - the schema defaults Terraform fills into a block that is present, where the expander passes them on
 *   (pointers, non-zero values), and the zero-value pointers it always sends (`runAsNonRoot: false`, ...);
 * - strings that become integers (`run_as_user`, `replicas`, `ttl_seconds_after_finished`), octal
 *   `default_mode`, int-or-string ports (`intstr.Parse`), and values an expander leaves out;
 * - string sets (`schema.HashString`) in the order the SDK's `Set.List` gives: by CRC-32 as decimal text.
 * Only fields modelled here are accepted, and of Terraform only literals, escapes and references to
 * another resource's configuration: anything else is an error naming it. Nothing is guessed.
 */
import { crc32 } from 'node:zlib';
import type { KubeObject } from './kube-client';

export type { KubeObject } from './kube-client';

export interface StandInResource {
  /** The Terraform address, e.g. `kubernetes_service_v1.Ttyd_Service_ABC`. */
  address: string;
  object: KubeObject;
  /** A Deployment's `wait_for_rollout` (the provider's default is true); absent for other kinds. */
  waitForRollout?: boolean;
}

type Json = string | number | boolean | null | Json[] | JsonMap;
type JsonMap = { [key: string]: Json };

const isMap = (value: Json | undefined): value is JsonMap => typeof value === 'object' && value !== null && !Array.isArray(value);
function fail(message: string): never {
  throw new Error(`provider-stand-in: ${message}`);
}

// ---- How the expanders read a block: field by field, with the schema's defaults filled in first.

type Convert = (value: Json, at: string) => Json | undefined;
type Field = { readonly api: string; readonly convert?: Convert; readonly one?: Block; readonly many?: Block };
type Block = { readonly fields: Readonly<Record<string, Field>>; readonly defaults: Readonly<JsonMap> };

/** strconv.ParseInt of a schema string; an empty string is skipped by every expander that parses one. */
function parseInteger(value: Json, at: string, radix: 8 | 10): number | undefined {
  if (value === '') return undefined;
  const text = String(value);
  if (!(radix === 8 ? /^[0-7]+$/ : /^[+-]?\d+$/).test(text)) fail(`${at}: ${JSON.stringify(value)} is not a base-${radix} integer`);
  return parseInt(text, radix);
}

/** A `schema.HashString` (or `HashInt`) set as `Set.List` returns it (helper/schema/set.go `listCode`). */
function hashOrdered(items: Json[]): Json[] | undefined {
  const byCode = new Map<string, Json>();
  for (const item of items) {
    const code = String(crc32(String(item)));
    if (!byCode.has(code)) byCode.set(code, item);
  }
  const codes = [...byCode.keys()].sort();
  return codes.length === 0 ? undefined : codes.map((code) => byCode.get(code) ?? null);
}

const CONVERT: Readonly<Record<string, Convert>> = {
  int: (value, at) => parseInteger(value, at, 10),
  octal: (value, at) => parseInteger(value, at, 8),
  intstr: (value) => (value === '' ? undefined : /^[+-]?\d+$/.test(String(value)) ? Number(value) : value),
  map: (value, at) => {
    if (!isMap(value)) fail(`${at} is not a map`);
    const entries = Object.entries(value).filter(([, v]) => v !== null);
    return entries.length === 0 ? undefined : Object.fromEntries(entries.map(([k, v]) => [k, String(v)]));
  },
  set: (value, at) => (Array.isArray(value) ? hashOrdered(value) : fail(`${at} is not a list`)),
  positive: (value) => (typeof value === 'number' && value > 0 ? value : undefined),
  omit1: (value) => (value === 1 ? undefined : value),
  omit3: (value) => (value === 3 ? undefined : value),
};

const camel = (snake: string): string => snake.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** `spec` lists plain fields as `snake[=apiName][:convert]`; `nested` holds the blocks. */
function block(spec: string, nested: Record<string, Field> = {}, defaults: JsonMap = {}): Block {
  const fields: Record<string, Field> = {};
  for (const token of spec.split(' ').filter((t) => t !== '')) {
    const [, name, api, convert] = /^([a-z_]+)(?:=(\w+))?(?::(\w+))?$/.exec(token) ?? fail(`bad field spec ${token}`);
    fields[name] = { api: api || camel(name), convert: convert === undefined ? undefined : (CONVERT[convert] ?? fail(`no conversion ${convert}`)) };
  }
  for (const [name, field] of Object.entries(nested)) fields[name] = { ...field, api: field.api || camel(name) };
  return { fields, defaults };
}
const one = (of: Block, api = ''): Field => ({ api, one: of });
const many = (of: Block, api: string): Field => ({ api, many: of });

// ---- The schemas of the modelled resources (defaults: schema_*.go; conversions: the expanders).

const META_FIELDS = 'name generate_name labels:map annotations:map';
const CLUSTER_META = block(META_FIELDS);
const NAMESPACED_META = block(`${META_FIELDS} namespace`, {}, { namespace: 'default' }); // namespacedMetadataSchema
const TEMPLATE_META = block(`${META_FIELDS} namespace`); // ...IsTemplate: no default namespace
const NAME = block('name');
const SELECTOR = block('match_labels:map', { match_expressions: many(block('key operator values:set'), 'matchExpressions') });
const KEY_REF = block('key name optional', {}, { optional: false });
const FIELD_REF = block('api_version field_path', {}, { api_version: 'v1' });
const VALUE_FROM = block('', { config_map_key_ref: one(KEY_REF), secret_key_ref: one(KEY_REF), field_ref: one(FIELD_REF) });
const ENV = block('name value', { value_from: one(VALUE_FROM) });
const PROBE = block(
  'failure_threshold initial_delay_seconds period_seconds success_threshold timeout_seconds',
  {
    exec: one(block('command')),
    http_get: one(block('host path scheme port:intstr', { http_header: many(block('name value'), 'httpHeaders') }, { scheme: 'HTTP' })),
    tcp_socket: one(block('port:intstr')),
  },
  { failure_threshold: 3, period_seconds: 10, success_threshold: 1, timeout_seconds: 1 },
);
const SECCOMP = block('type localhost_profile', {}, { type: 'Unconfined' });
const CONTAINER_SECURITY = block(
  'allow_privilege_escalation privileged read_only_root_filesystem run_as_group:int run_as_non_root run_as_user:int',
  { capabilities: one(block('add drop')), seccomp_profile: one(SECCOMP) },
  { allow_privilege_escalation: true, privileged: false, read_only_root_filesystem: false, run_as_non_root: false },
);
const VOLUME_MOUNT = block('mount_path name read_only sub_path sub_path_expr mount_propagation', {}, { mount_propagation: 'None' });
const CONTAINER = block(
  'name image image_pull_policy command args working_dir stdin stdin_once tty termination_message_path termination_message_policy',
  {
    env: many(ENV, 'env'),
    env_from: many(block('prefix', { config_map_ref: one(block('name optional')), secret_ref: one(block('name optional')) }), 'envFrom'),
    port: many(block('container_port host_ip host_port name protocol', {}, { protocol: 'TCP' }), 'ports'),
    resources: one(block('limits:map requests:map')),
    security_context: one(CONTAINER_SECURITY),
    volume_mount: many(VOLUME_MOUNT, 'volumeMounts'),
    liveness_probe: one(PROBE),
    readiness_probe: one(PROBE),
    startup_probe: one(PROBE),
  },
  { termination_message_path: '/dev/termination-log' },
);
const KEY_PATHS = many(block('key path mode:octal'), 'items');
const VOLUME = block('name', {
  config_map: one(block('name optional default_mode:octal', { items: KEY_PATHS }, { default_mode: '0644', optional: false })),
  secret: one(block('secret_name optional default_mode:octal', { items: KEY_PATHS }, { default_mode: '0644', optional: false })),
  empty_dir: one(block('medium size_limit')),
  persistent_volume_claim: one(block('claim_name read_only')),
});
const POD_SECURITY = block(
  'fs_group:int run_as_group:int run_as_non_root run_as_user:int supplemental_groups:set fs_group_change_policy',
  { seccomp_profile: one(SECCOMP), sysctl: many(block('name value'), 'sysctls') },
  { run_as_non_root: false },
);
const POD_DEFAULTS = { share_process_namespace: false, termination_grace_period_seconds: 30 };
const podSpec = (restartPolicy: string): Block =>
  block(
    'active_deadline_seconds:positive automount_service_account_token dns_policy enable_service_links host_ipc=hostIPC host_network ' +
      'host_pid=hostPID hostname node_name node_selector:map priority_class_name restart_policy runtime_class_name scheduler_name ' +
      'service_account_name share_process_namespace subdomain termination_grace_period_seconds',
    {
      container: many(CONTAINER, 'containers'),
      init_container: many(CONTAINER, 'initContainers'),
      image_pull_secrets: many(NAME, 'imagePullSecrets'),
      security_context: one(POD_SECURITY),
      volume: many(VOLUME, 'volumes'),
    },
    // schema_pod_spec.go; jobSpecFields makes the restart policy's default "Never"
    { automount_service_account_token: true, dns_policy: 'ClusterFirst', enable_service_links: true, restart_policy: restartPolicy, ...POD_DEFAULTS },
  );
const podTemplate = (meta: Block, restartPolicy: string): Block => block('', { metadata: one(meta), spec: one(podSpec(restartPolicy)) });
const JOB_SPEC = block(
  'active_deadline_seconds:positive backoff_limit completions:positive completion_mode manual_selector parallelism ttl_seconds_after_finished:int',
  { selector: one(SELECTOR), template: one(podTemplate(CLUSTER_META, 'Never')) },
  { backoff_limit: 6, completions: 1, parallelism: 1, manual_selector: false },
);
const CRON_JOB_SPEC = block(
  // expandCronJobSpecV1 leaves the history limits out at their defaults, and a deadline of 0
  'concurrency_policy failed_jobs_history_limit:omit1 schedule starting_deadline_seconds:positive ' +
    'successful_jobs_history_limit:omit3 suspend timezone=timeZone',
  { job_template: one(block('', { metadata: one(TEMPLATE_META), spec: one(JOB_SPEC) })) },
  { concurrency_policy: 'Allow', failed_jobs_history_limit: 1, successful_jobs_history_limit: 3, suspend: false },
);
const ROLLING_UPDATE = block('max_surge:intstr max_unavailable:intstr', {}, { max_surge: '25%', max_unavailable: '25%' });
const DEPLOYMENT_SPEC = block(
  'min_ready_seconds paused progress_deadline_seconds replicas:int revision_history_limit',
  {
    selector: one(SELECTOR),
    strategy: one(block('type', { rolling_update: one(ROLLING_UPDATE) }, { type: 'RollingUpdate' })),
    template: one(podTemplate(TEMPLATE_META, 'Always')),
  },
  { progress_deadline_seconds: 600, revision_history_limit: 10 },
);
const SERVICE_SPEC = block(
  'cluster_ip=clusterIP cluster_ips=clusterIPs external_ips=externalIPs:set external_name external_traffic_policy ' +
    'internal_traffic_policy ip_families ip_family_policy load_balancer_source_ranges:set publish_not_ready_addresses selector:map ' +
    'session_affinity type',
  { port: many(block('app_protocol name node_port port protocol target_port:intstr', {}, { protocol: 'TCP' }), 'ports') },
  { session_affinity: 'None', type: 'ClusterIP' },
);
const ADDRESS = block('hostname ip node_name');
const SUBSET = block('', {
  address: many(ADDRESS, 'addresses'),
  not_ready_address: many(ADDRESS, 'notReadyAddresses'),
  port: many(block('name port protocol', {}, { protocol: 'TCP' }), 'ports'),
});
const BACKEND = block('', { service: one(block('name', { port: one(block('name number')) })), resource: one(block('api_group kind name')) });
const INGRESS_PATH = block('path path_type', { backend: one(BACKEND) }, { path_type: 'ImplementationSpecific' });
const INGRESS_SPEC = block('ingress_class_name', {
  default_backend: one(BACKEND),
  rule: many(block('host', { http: one(block('', { path: many(INGRESS_PATH, 'paths') })) }), 'rules'),
  tls: many(block('hosts secret_name'), 'tls'),
});
const PEER = block('', { ip_block: one(block('cidr except')), namespace_selector: one(SELECTOR), pod_selector: one(SELECTOR) });
const POLICY_PORT = block('port:intstr end_port protocol', {}, { protocol: 'TCP' });
const NETWORK_POLICY_SPEC = block('policy_types', {
  pod_selector: one(SELECTOR),
  ingress: many(block('', { from: many(PEER, 'from'), ports: many(POLICY_PORT, 'ports') }), 'ingress'),
  egress: many(block('', { to: many(PEER, 'to'), ports: many(POLICY_PORT, 'ports') }), 'egress'),
});

interface Kind {
  readonly apiVersion: string;
  readonly kind: string;
  /** Creation order: namespaces, then what others mount, bind to or route to, then the rest. */
  readonly rank: number;
  readonly body: Block;
  /** Resource attributes that steer the provider and are not part of the object. */
  readonly local: readonly string[];
}
const kind = (apiVersion: string, name: string, rank: number, body: Block, ...local: string[]): Kind => ({
  ...{ apiVersion, kind: name, rank, body },
  local: [...local, 'timeouts'],
});
const withMeta = (fields: string, nested: Record<string, Field> = {}, defaults: JsonMap = {}): Block =>
  block(fields, { metadata: one(NAMESPACED_META), ...nested }, defaults);
const withSpec = (spec: Block): Block => withMeta('', { spec: one(spec) });
const SECRETS = { image_pull_secret: many(NAME, 'imagePullSecrets'), secret: many(NAME, 'secrets') };
const SERVICE_ACCOUNT = withMeta('automount_service_account_token', SECRETS, { automount_service_account_token: true });
const RULE = block('api_groups:set resources:set resource_names:set verbs:set');
const SUBJECT = block('api_group kind name namespace', {}, { namespace: 'default' });
const ROLE_BINDING = withMeta('', { role_ref: one(block('api_group kind name')), subject: many(SUBJECT, 'subjects') });
const RBAC = 'rbac.authorization.k8s.io/v1';
const NETWORKING = 'networking.k8s.io/v1';
const KINDS: Readonly<Record<string, Kind>> = {
  kubernetes_namespace_v1: kind('v1', 'Namespace', 0, block('', { metadata: one(CLUSTER_META) }), 'wait_for_default_service_account'),
  kubernetes_service_account_v1: kind('v1', 'ServiceAccount', 1, SERVICE_ACCOUNT),
  kubernetes_config_map_v1: kind('v1', 'ConfigMap', 1, withMeta('data:map binary_data:map immutable', {}, { immutable: false })),
  kubernetes_service_v1: kind('v1', 'Service', 1, withSpec(SERVICE_SPEC), 'wait_for_load_balancer'),
  kubernetes_endpoints_v1: kind('v1', 'Endpoints', 2, withMeta('', { subset: many(SUBSET, 'subsets') })),
  kubernetes_role_v1: kind(RBAC, 'Role', 2, withMeta('', { rule: many(RULE, 'rules') })),
  kubernetes_role_binding_v1: kind(RBAC, 'RoleBinding', 3, ROLE_BINDING),
  kubernetes_deployment_v1: kind('apps/v1', 'Deployment', 3, withSpec(DEPLOYMENT_SPEC), 'wait_for_rollout'),
  kubernetes_cron_job_v1: kind('batch/v1', 'CronJob', 3, withSpec(CRON_JOB_SPEC)),
  kubernetes_ingress_v1: kind(NETWORKING, 'Ingress', 3, withSpec(INGRESS_SPEC), 'wait_for_load_balancer'),
  kubernetes_network_policy_v1: kind(NETWORKING, 'NetworkPolicy', 3, withSpec(NETWORK_POLICY_SPEC)),
};
const MANIFEST = 'kubernetes_manifest';
const MANIFEST_LOCAL = ['computed_fields', 'field_manager', 'wait', 'wait_for', 'timeouts'];
const isSkipped = (type: string): boolean => type === 'terraform_data' || type.startsWith('cloudflare_');

/** Blocks in Terraform JSON: an object is one block, an array any number; null or [] is none. */
function blocks(value: Json, at: string): JsonMap[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((item, i) => (isMap(item) ? item : fail(`${at}[${i}] is not a block`)));
}

function translate(config: JsonMap, schema: Block, at: string): JsonMap {
  const given = Object.entries(config).filter(([, v]) => v !== null);
  const defaulted = Object.entries(schema.defaults).filter(([key]) => !given.some(([k]) => k === key));
  const out: JsonMap = {};
  for (const [key, value] of [...given, ...defaulted]) {
    const field = schema.fields[key] ?? fail(`${at}.${key} is not a field the stand-in models`);
    let result: Json | undefined;
    if (field.one !== undefined) {
      const [only, ...more] = blocks(value, `${at}.${key}`);
      if (more.length > 0) fail(`${at}.${key} takes one block, not ${more.length + 1}`);
      result = only === undefined ? undefined : translate(only, field.one, `${at}.${key}`);
    } else if (field.many !== undefined) {
      const list = blocks(value, `${at}.${key}`).map((b, i) => translate(b, field.many as Block, `${at}.${key}[${i}]`));
      result = list.length === 0 ? undefined : list;
    } else {
      result = field.convert === undefined ? value : field.convert(value, `${at}.${key}`);
    }
    if (result !== undefined) out[field.api] = result;
  }
  return out;
}

// ---- Terraform's side: escapes, references, and what is not for the provider.

const META_ARGUMENTS = ['//', 'depends_on', 'lifecycle', 'provider'];
const REFERENCE = /^\$\{\s*([a-z][a-z0-9_]*)\.([A-Za-z_][\w-]*)((?:\.[A-Za-z_][\w-]*|\[\d+\])*)\s*\}$/;

interface Config {
  readonly address: string;
  readonly type: string;
  readonly body: JsonMap;
  readonly dependsOn: readonly string[];
}

class Evaluation {
  private readonly done = new Map<string, JsonMap>();
  private readonly pending = new Set<string>();
  /** The resources each resource's configuration refers to. */
  readonly references = new Map<string, Set<string>>();

  constructor(private readonly configs: ReadonlyMap<string, Config>) {}

  body(address: string): JsonMap {
    const done = this.done.get(address);
    if (done !== undefined) return done;
    if (this.pending.has(address)) fail(`${address}: its references form a cycle`);
    this.pending.add(address);
    const config = this.configs.get(address) ?? fail(`no resource ${address}`);
    const body = this.value(config.body, address) as JsonMap;
    this.pending.delete(address);
    this.done.set(address, body);
    return body;
  }

  private value(node: Json, at: string): Json {
    if (typeof node === 'string') return this.template(node, at);
    if (Array.isArray(node)) return node.map((item) => this.value(item, at));
    if (isMap(node)) return Object.fromEntries(Object.entries(node).map(([k, v]) => [String(this.template(k, at)), this.value(v, at)]));
    return node;
  }

  /** A string as Terraform reads it: `$${`/`%%{` are literal, `${reference}` is replaced, the rest refused. */
  private template(text: string, at: string): Json {
    const pieces: { value: Json; expression: string }[] = [];
    let literal = '';
    for (let i = 0; i < text.length;) {
      const next = text.slice(i, i + 3);
      if (next === '$${' || next === '%%{') {
        literal += next.slice(1);
        i += 3;
      } else if (next.startsWith('${') || next.startsWith('%{')) {
        const end = text.indexOf('}', i);
        const expression = end < 0 ? text.slice(i) : text.slice(i, end + 1);
        const reference = REFERENCE.exec(expression);
        if (reference === null) fail(`${at}: ${expression} is a template expression the stand-in does not evaluate`);
        pieces.push({ value: literal, expression: '' }, { value: this.resolve(reference, at), expression });
        literal = '';
        i = end + 1;
      } else {
        literal += text[i++];
      }
    }
    if (pieces.length === 2 && pieces[0].value === '' && literal === '') return pieces[1].value; // "${x}" keeps x's type
    const strings = pieces.map(({ value, expression }) =>
      typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : fail(`${at}: ${expression} is not a string, so it cannot be part of one`),
    );
    return strings.join('') + literal;
  }

  private resolve([expression, type, name, path]: RegExpExecArray, at: string): Json {
    const address = `${type}.${name}`;
    if (!this.configs.has(address)) fail(`${at}: cannot resolve ${expression}: there is no resource ${address}`);
    let node: Json | undefined = this.body(address);
    for (const [, attribute, index] of path.matchAll(/\.([\w-]+)|\[(\d+)\]/g)) {
      if (attribute !== undefined) node = isMap(node) ? node[attribute] : undefined;
      else node = Array.isArray(node) ? node[Number(index)] : isMap(node) && index === '0' ? node : undefined;
    }
    if (node === undefined || node === null) fail(`${at}: cannot resolve ${expression}: ${address} does not configure it`);
    const seen = this.references.get(at) ?? new Set<string>();
    this.references.set(at, seen.add(address));
    return node;
  }
}

function configsOf(tfJson: unknown): Map<string, Config> {
  const resource = isMap(tfJson as Json) ? (tfJson as JsonMap).resource : undefined;
  const configs = new Map<string, Config>();
  for (const [type, byName] of Object.entries(isMap(resource) ? resource : {})) {
    if (!isSkipped(type) && type !== MANIFEST && KINDS[type] === undefined) fail(`resource type ${type} is not one the stand-in knows`);
    for (const [name, config] of Object.entries(isMap(byName) ? byName : {})) {
      const address = `${type}.${name}`;
      if (!isMap(config)) fail(`${address} is not an object`);
      for (const key of ['count', 'for_each', 'provisioner', 'connection']) if (key in config) fail(`${address}: ${key} is not supported`);
      const body = Object.fromEntries(Object.entries(config).filter(([key]) => !META_ARGUMENTS.includes(key)));
      const dependsOn = Array.isArray(config.depends_on) ? config.depends_on.map(String) : [];
      configs.set(address, { address, type, body, dependsOn });
    }
  }
  return configs;
}

function standIn(config: Config, evaluation: Evaluation): StandInResource {
  const body = evaluation.body(config.address);
  if (config.type === MANIFEST) {
    const manifest = body.manifest;
    const metadata = isMap(manifest) ? manifest.metadata : undefined;
    if (!isMap(manifest) || typeof manifest.apiVersion !== 'string' || typeof manifest.kind !== 'string' || !isMap(metadata)) {
      fail(`${config.address}: manifest has no apiVersion, kind and metadata`);
    }
    for (const key of Object.keys(body)) if (key !== 'manifest' && !MANIFEST_LOCAL.includes(key)) fail(`${config.address}.${key} is not modelled`);
    return { address: config.address, object: checked(manifest, config.address) };
  }
  const shape = KINDS[config.type];
  const fields = Object.fromEntries(Object.entries(body).filter(([key]) => !shape.local.includes(key)));
  const object = checked({ apiVersion: shape.apiVersion, kind: shape.kind, ...translate(fields, shape.body, config.address) }, config.address);
  if (config.type !== 'kubernetes_deployment_v1') return { address: config.address, object };
  const wait = body.wait_for_rollout ?? true;
  return { address: config.address, object, waitForRollout: typeof wait === 'boolean' ? wait : fail(`${config.address}: wait_for_rollout`) };
}

function checked(object: JsonMap, address: string): KubeObject {
  const metadata = object.metadata;
  if (!isMap(metadata) || typeof metadata.name !== 'string') fail(`${address}: the object has no metadata.name`);
  return object as unknown as KubeObject;
}

/** Every object the stack's Kubernetes resources make, each after what it refers to and depends on. */
export function objectsOf(tfJson: unknown): StandInResource[] {
  const configs = configsOf(tfJson);
  const evaluation = new Evaluation(configs);
  const rank = (config: Config): number => (config.type === MANIFEST ? 4 : KINDS[config.type].rank);
  const made = [...configs.values()].filter((c) => !isSkipped(c.type)).map((config) => ({ config, made: standIn(config, evaluation) }));
  const needs = (config: Config): string[] => [...(evaluation.references.get(config.address) ?? []), ...config.dependsOn];
  const waiting = new Map(made.map((m) => [m.config.address, m]));
  const ordered: StandInResource[] = [];
  while (waiting.size > 0) {
    const ready = [...waiting.values()].filter((m) => needs(m.config).every((address) => !waiting.has(address)));
    if (ready.length === 0) fail(`cycle among ${[...waiting.keys()].join(', ')}`);
    ready.sort((a, b) => rank(a.config) - rank(b.config) || (a.config.address < b.config.address ? -1 : 1));
    waiting.delete(ready[0].config.address);
    ordered.push(ready[0].made);
  }
  return ordered;
}

/** The addresses of the resources the stand-in leaves alone: `terraform_data` and `cloudflare_*`. */
export function skipped(tfJson: unknown): string[] {
  return [...configsOf(tfJson).values()].filter((c) => isSkipped(c.type)).map((c) => c.address);
}
