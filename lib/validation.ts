import { Token } from './cdktf';

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

  constructor(subject: string, problems: readonly string[]) {
    super(problems.map((p) => `${subject}: ${p}`).join('\n'));
    this.name = 'ValidationError';
    this.problems = problems;
  }
}

/** Collects problem sentences and throws them together. */
export class Problems {
  private readonly list: string[] = [];

  constructor(private readonly subject: string) {}

  /** Records a problem; `undefined` (no problem) is ignored, so checks can be passed straight in. */
  public add(problem: string | undefined): void {
    if (problem !== undefined) this.list.push(problem);
  }

  /** Throws a {@link ValidationError} with every recorded problem, if there is any. */
  public throwIfAny(): void {
    if (this.list.length > 0) throw new ValidationError(this.subject, this.list);
  }
}

/** Values that are tokens (references resolved by Terraform later) cannot be judged at synth time. */
function unresolved(value: unknown): boolean {
  return (typeof value === 'string' || typeof value === 'number') && Token.isUnresolved(value);
}

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** A DNS name as Kubernetes and Traefik accept it for a host: lowercase labels joined by dots. */
export function checkDnsName(field: string, value: string): string | undefined {
  if (unresolved(value)) return undefined;
  const ok = value.length <= 253 && value.split('.').every((label) => DNS_LABEL.test(label));
  return ok ? undefined : `${field} ${JSON.stringify(value)} is not a valid DNS name (lowercase letters, digits and '-', in dot-separated labels of 1-63 characters)`;
}

/** A DNS-1123 subdomain: what Kubernetes accepts as the name of most objects (Secret, ConfigMap, PrometheusRule). */
export function checkObjectName(field: string, value: string): string | undefined {
  if (unresolved(value)) return undefined;
  const ok = value.length <= 253 && value.split('.').every((label) => DNS_LABEL.test(label));
  return ok ? undefined : `${field} ${JSON.stringify(value)} is not a valid Kubernetes object name (lowercase letters, digits, '-' and '.', starting and ending with a letter or digit)`;
}

/** A container image with a tag or a digest: what runs must not change under the same name. */
export function checkPinnedImage(field: string, value: string): string | undefined {
  if (unresolved(value)) return undefined;
  if (value.trim() === '') return `${field} must not be empty`;
  const lastPart = value.split('/').pop() ?? '';
  return /[:@]/.test(lastPart) && !lastPart.endsWith(':latest') ? undefined : `${field} ${JSON.stringify(value)} is not pinned (give a version tag or a digest)`;
}

/** A DNS-1123 label: what Kubernetes accepts as a namespace or Service name. */
export function checkDnsLabel(field: string, value: string): string | undefined {
  if (unresolved(value)) return undefined;
  return DNS_LABEL.test(value) ? undefined : `${field} ${JSON.stringify(value)} is not a DNS-1123 label (1-63 lowercase letters, digits or '-', starting and ending with a letter or digit)`;
}

/** A TCP port, 1-65535. */
export function checkPort(field: string, value: number): string | undefined {
  if (unresolved(value)) return undefined;
  return Number.isInteger(value) && value >= 1 && value <= 65535 ? undefined : `${field} ${JSON.stringify(value)} is not a port (an integer from 1 to 65535)`;
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

/** An absolute http(s) URL. */
export function checkHttpUrl(field: string, value: string): string | undefined {
  if (unresolved(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${field} ${JSON.stringify(value)} is not a URL (like https://terminal.example.com)`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${field} ${JSON.stringify(value)} is not an http or https URL`;
  if (url.username || url.password) return `${field} must not carry credentials in the URL`;
  return undefined;
}

/** A URL path prefix for a route: starts and ends with '/'. */
export function checkPathPrefix(field: string, value: string): string | undefined {
  if (unresolved(value)) return undefined;
  return /^\/([A-Za-z0-9._~-]+\/)*$/.test(value) ? undefined : `${field} ${JSON.stringify(value)} is not a path prefix (it must start and end with '/', like /clipboard/)`;
}

/** Kubernetes label keys and values, as the API server checks them. */
export function checkLabels(field: string, labels: Readonly<Record<string, string>>): string | undefined {
  const key = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
  const value = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
  for (const [k, v] of Object.entries(labels)) {
    if (!key.test(k)) return `${field} key ${JSON.stringify(k)} is not a valid label key`;
    if (typeof v !== 'string' || !value.test(v)) return `${field}.${k} value ${JSON.stringify(v)} is not a valid label value (63 characters at most: letters, digits, '-', '_', '.')`;
  }
  return undefined;
}

/** A non-empty string. */
export function checkNonEmpty(field: string, value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? undefined : `${field} must not be empty`;
}
