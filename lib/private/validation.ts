import { isIP } from 'node:net';
import { Token } from './cdktf';
import { HTTP_HEADER_NAME } from './vocabulary';

/**
 * Input checks shared by the constructs and the stack configuration.
 *
 * Each check returns a problem sentence (naming the field, quoting the value, saying what is
 * accepted) or `undefined`; callers gather them with {@link Problems} so that every problem of an
 * input is reported at once, not the first one per run.
 */

/** An error carrying every problem found in one input, one per line. */
export class ValidationError extends Error {
  /** The problems, each a sentence that names the field and the bad value. */
  public readonly problems: readonly string[];
  /** The message's lines: each problem after its subject (and, from a tree, the construct's path). */
  public readonly lines: readonly string[];

  /** `subject` '' takes `problems` as whole lines. */
  constructor(subject: string, problems: readonly string[]) {
    const lines = subject === '' ? problems : problems.map((p) => `${subject}: ${p}`);
    super(lines.join('\n'));
    this.name = 'ValidationError';
    this.problems = problems;
    this.lines = lines;
  }
}

/**
 * Problems of a whole tree, gathered while its constructs are built: a construct's `throwIfAny`
 * records its problems here (each line led by the construct's path) instead of throwing, so the tree
 * is built as far as it goes and every problem is reported once, at the end (see {@link collectProblems}).
 */
const collectors: string[][] = [];

/**
 * Gathers every construct's problems while a tree is built (`begin` … `end`), so that one
 * {@link ValidationError} reports them all. Use: `const gathered = ProblemCollector.begin(); try { build }
 * catch (e) { gathered.end(); throw gathered.failure(path, e); } gathered.end(); gathered.throwIfAny(path);`
 */
export class ProblemCollector {
  private readonly lines: string[] = [];

  private constructor() {}

  /** Starts gathering: from now on a construct's `throwIfAny` records here. */
  public static begin(): ProblemCollector {
    const collector = new ProblemCollector();
    collectors.push(collector.lines);
    return collector;
  }

  /** Stops gathering. */
  public end(): void {
    const index = collectors.lastIndexOf(this.lines);
    if (index >= 0) collectors.splice(index, 1);
  }

  /**
   * What to throw when the build threw: a `ValidationError` adds its lines to what was gathered; any
   * other exception after a problem was recorded is taken for a consequence of it (a construct built
   * on a bad value) and dropped; with nothing recorded it is a bug and passes through.
   */
  public failure(path: string, error: unknown): unknown {
    if (error instanceof ValidationError) this.lines.push(...error.lines.map((line) => (line.startsWith(`${path}/`) ? line : `${path}: ${line}`)));
    return this.lines.length > 0 ? new ValidationError('', [...new Set(this.lines)]) : error;
  }

  /** Throws one {@link ValidationError} with every gathered problem, if there is any. */
  public throwIfAny(): void {
    if (this.lines.length > 0) throw new ValidationError('', [...new Set(this.lines)]);
  }
}

/** Subject of the rule model's and the alert factories' errors. */
export const RULES_SUBJECT = 'alert-rules';

/** Collects problem sentences and throws them together. */
export class Problems {
  private readonly list: string[] = [];

  constructor(private readonly subject: string) {}

  /** Records a problem; `undefined` (no problem) is ignored, so checks can be passed straight in. */
  public add(problem: string | undefined): void {
    if (problem !== undefined) this.list.push(problem);
  }

  /** Records several problems (a check that can find more than one). */
  public addAll(problems: readonly (string | undefined)[]): void {
    for (const problem of problems) this.add(problem);
  }

  /**
   * Throws a {@link ValidationError} with every recorded problem, if there is any; inside
   * {@link collectProblems}, records them there instead, led by `scope`'s path when given.
   */
  public throwIfAny(scope?: { readonly node: { readonly path: string } }): void {
    if (this.list.length === 0) return;
    const collector = collectors.at(-1);
    if (collector === undefined) throw new ValidationError(this.subject, this.list);
    const lead = scope === undefined ? '' : `${scope.node.path}: `;
    collector.push(...this.list.map((problem) => `${lead}${this.subject}: ${problem}`));
  }
}

/** Values that are tokens (references resolved by Terraform later) cannot be judged at synth time. */
function unresolved(value: unknown): boolean {
  return (typeof value === 'string' || typeof value === 'number') && Token.isUnresolved(value);
}

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A DNS name: for a `host` (what Kubernetes and Traefik accept for a host: lowercase labels joined by
 * dots, not an IP address), or for an `object` name (a DNS-1123 subdomain: what Kubernetes accepts as
 * the name of most objects, Secret, ConfigMap, PrometheusRule).
 */
export function checkDnsName(field: string, value: string, purpose: 'host' | 'object' = 'host'): string | undefined {
  if (unresolved(value)) return undefined;
  if (purpose === 'host' && (IPV4.test(value) || isIP(value) !== 0)) {
    return `${field} ${JSON.stringify(value)} is an IP address; give the DNS name the certificate and the router match`;
  }
  if (value.length <= 253 && value.split('.').every((label) => DNS_LABEL.test(label))) return undefined;
  return purpose === 'host'
    ? `${field} ${JSON.stringify(value)} is not a valid DNS name (lowercase letters, digits and '-', in dot-separated labels of 1-63 characters)`
    : `${field} ${JSON.stringify(value)} is not a valid Kubernetes object name (lowercase letters, digits, '-' and '.', starting and ending ` +
        `with a letter or digit, 253 characters at most)`;
}

const IMAGE_DOMAIN = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?';
const IMAGE_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const IMAGE_NAME = new RegExp(`^(?:${IMAGE_DOMAIN}/)?${IMAGE_COMPONENT}(?:/${IMAGE_COMPONENT})*$`);
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const IMAGE_DIGEST = /^sha256:[0-9a-f]{64}$|^sha512:[0-9a-f]{128}$/;

/**
 * A container image reference (the distribution grammar: `[domain/]path[:tag][@digest]`) that is
 * pinned: a version tag or a digest, never `latest`, so what runs cannot change under the same name.
 */
export function checkPinnedImage(field: string, value: string): string | undefined {
  if (unresolved(value)) return undefined;
  const bad = (why: string): string => `${field} ${JSON.stringify(value)} is not a valid image reference: ${why}`;
  if (value.trim() === '') return `${field} must not be empty`;
  const odd = /[^A-Za-z0-9._:/@-]/.exec(value);
  if (odd) return bad(`it contains ${JSON.stringify(odd[0])}, which no image reference has`);
  const at = value.indexOf('@');
  const nameAndTag = at === -1 ? value : value.slice(0, at);
  const digest = at === -1 ? undefined : value.slice(at + 1);
  if (digest !== undefined && !IMAGE_DIGEST.test(digest))
    return bad(`the digest ${JSON.stringify(digest)} is not sha256: and 64 lowercase hex digits`);
  const slash = nameAndTag.lastIndexOf('/');
  const colon = nameAndTag.lastIndexOf(':');
  const name = colon > slash ? nameAndTag.slice(0, colon) : nameAndTag;
  const tag = colon > slash ? nameAndTag.slice(colon + 1) : undefined;
  const path = name.includes('/') && /[.:]|^localhost$/.test(name.split('/')[0]) ? name.slice(name.indexOf('/') + 1) : name;
  if (/[A-Z]/.test(path)) return bad('the repository path has upper case letters (only lowercase is allowed)');
  if (!IMAGE_NAME.test(name)) return bad('the name is not lowercase path components separated by /');
  if (tag !== undefined && tag === '') return bad('the tag after ":" is empty');
  if (tag !== undefined && !IMAGE_TAG.test(tag)) return bad(`the tag ${JSON.stringify(tag)} is not letters, digits, '_', '.', '-' (128 at most)`);
  if (digest !== undefined) return undefined;
  if (tag === undefined) return `${field} ${JSON.stringify(value)} is not pinned (give a version tag or a digest)`;
  if (tag === 'latest') return `${field} ${JSON.stringify(value)} is not pinned (give a version tag or a digest)`;
  return undefined;
}

/** A DNS-1123 label: what Kubernetes accepts as a namespace or Service name. */
export function checkDnsLabel(field: string, value: string): string | undefined {
  if (unresolved(value)) return undefined;
  return DNS_LABEL.test(value)
    ? undefined
    : `${field} ${JSON.stringify(value)} is not a DNS-1123 label (1-63 lowercase letters, digits or '-', starting and ending with a letter or digit)`;
}

/** A TCP port, 1-65535. */
export function checkPort(field: string, value: number): string | undefined {
  if (unresolved(value)) return undefined;
  return Number.isInteger(value) && value >= 1 && value <= 65535
    ? undefined
    : `${field} ${JSON.stringify(value)} is not a port (an integer from 1 to 65535)`;
}

/** An integer within bounds (inclusive). */
export function checkInteger(field: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): string | undefined {
  if (unresolved(value)) return undefined;
  if (Number.isInteger(value) && value >= min && value <= max) return undefined;
  const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
  return `${field} ${JSON.stringify(value)} is not ${range}`;
}

const IPV4_OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${IPV4_OCTET}(\\.${IPV4_OCTET}){3}$`);

/** An IPv4 address in dotted-quad form (Endpoints need an address, not a name). */
export function checkIPv4(field: string, value: string): string | undefined {
  if (unresolved(value)) return undefined;
  return IPV4.test(value) ? undefined : `${field} ${JSON.stringify(value)} is not an IPv4 address (like 192.0.2.10)`;
}

/**
 * An IPv4 address another host can be reached at from the cluster: not loopback, link-local,
 * unspecified, multicast or broadcast (the API server refuses those in Endpoints, and they would
 * point at the node or nowhere).
 */
export function checkHostAddress(
  field: string,
  value: string,
  want = 'give the address of the ttyd host as the cluster reaches it',
): string | undefined {
  const notIp = checkIPv4(field, value);
  if (notIp !== undefined || unresolved(value)) return notIp;
  const [a, b] = value.split('.').map(Number);
  const kind =
    a === 127
      ? 'loopback'
      : a === 169 && b === 254
        ? 'link-local'
        : a === 0
          ? 'unspecified'
          : a >= 224 && a <= 239
            ? 'multicast'
            : a >= 240
              ? 'reserved or broadcast'
              : undefined;
  return kind === undefined ? undefined : `${field} ${JSON.stringify(value)} is a ${kind} address; ${want}`;
}

/** A DNS name or an IPv4 address. */
export function checkHostNameOrAddress(field: string, value: string): string | undefined {
  if (unresolved(value)) return undefined;
  if (IPV4.test(value)) return undefined;
  const ok = !/^[\d.]+$/.test(value) && value.length <= 253 && value.split('.').every((label) => DNS_LABEL.test(label));
  return ok ? undefined : `${field} ${JSON.stringify(value)} is neither a DNS name nor an IPv4 address`;
}

/** The URL with everything before its last '@' (user and password, whatever they contain) replaced by `***`. */
export function redactUrl(value: string): string {
  const at = value.lastIndexOf('@');
  if (at === -1) return value;
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(value)?.[0] ?? '';
  return at < scheme.length ? value : `${scheme}***${value.slice(at)}`;
}

/**
 * An absolute http(s) URL without credentials or control characters. A value with an '@' is
 * quoted redacted, so a password never reaches a log.
 */
export function checkHttpUrl(field: string, value: string): string | undefined {
  if (unresolved(value)) return undefined;
  const shown = JSON.stringify(redactUrl(value));
  // eslint-disable-next-line no-control-regex -- finding control characters is what this pattern is for
  if (/[\u0000-\u001f\u007f]/.test(value)) return `${field} ${shown} contains a control character`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${field} ${shown} is not a URL (like https://terminal.example.com)`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `${field} ${shown} is not an http or https URL (scheme ${JSON.stringify(url.protocol)})`;
  if (url.username || url.password || value.slice(0, value.indexOf(url.host) + 1).includes('@'))
    return `${field} ${shown} carries credentials in the URL; give them through a Secret`;
  return undefined;
}

/** A URL path prefix for a route: starts and ends with '/'. */
export function checkPathPrefix(field: string, value: string): string | undefined {
  if (unresolved(value)) return undefined;
  if (!/^\/([A-Za-z0-9._~-]+\/)*$/.test(value))
    return `${field} ${JSON.stringify(value)} is not a path prefix (it must start and end with '/', like /clipboard/)`;
  return value.split('/').some((segment) => segment === '.' || segment === '..')
    ? `${field} ${JSON.stringify(value)} has a "." or ".." segment, which clients resolve away`
    : undefined;
}

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const ANNOTATION_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/**
 * Kubernetes labels or annotations, as the API server checks their keys and values; `reserved` keys
 * are written by this library and cannot be set. Every problem, one per bad entry.
 */
export function checkMetadata(
  field: string,
  kind: 'labels' | 'annotations',
  record: Readonly<Record<string, string>>,
  reserved: readonly string[] = [],
): string[] {
  return Object.entries(record).flatMap(([key, value]) => {
    if (kind === 'labels') {
      if (!LABEL_KEY.test(key)) return [`${field} key ${JSON.stringify(key)} is not a valid label key`];
      if (typeof value !== 'string' || !LABEL_VALUE.test(value)) {
        return [`${field}.${key} value ${JSON.stringify(value)} is not a valid label value (63 characters at most: letters, digits, '-', '_', '.')`];
      }
    } else {
      if (!ANNOTATION_KEY.test(key) || key.length > 316) {
        return [
          `${field} key ${JSON.stringify(key)} is not an annotation key (optional DNS prefix and '/', then a name of letters, digits, '-', '_', '.')`,
        ];
      }
      if (typeof value !== 'string') return [`${field}.${key} ${JSON.stringify(value)} is not a string`];
    }
    return reserved.includes(key) ? [`${field} key ${JSON.stringify(key)} is written by this library; it cannot be set`] : [];
  });
}

/** A non-empty string. */
export function checkNonEmpty(field: string, value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? undefined : `${field} must not be empty`;
}

/** A header name as {@link HTTP_HEADER_NAME} accepts it: the one check of the construct and the configuration. */
export function checkHeaderName(field: string, value: string): string | undefined {
  return HTTP_HEADER_NAME.test(value) ? undefined : `${field} ${JSON.stringify(value)} is not an HTTP header name (letters, digits and "-")`;
}

/** A value from a fixed list: the one message of the constructs and the configuration. */
export function checkOneOf(field: string, value: string, accepted: readonly string[]): string | undefined {
  return accepted.includes(value)
    ? undefined
    : `${field} ${JSON.stringify(value)} is not one of ${accepted.map((a) => JSON.stringify(a)).join(', ')}`;
}
