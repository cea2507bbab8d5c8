import { Construct } from 'constructs';
import { TerraformResource, TerraformStack } from './private/cdktf';
import { loadCloudflare } from './private/cloudflare';
import { Problems, checkDnsName, checkInteger } from './private/validation';
import { checkDnsOptions } from './private/dns-checks';

export { DNS_MODES, type DnsMode, type DnsOptions, type DnsRecordType } from './private/vocabulary';
import type { DnsMode, DnsOptions, DnsRecordType } from './private/vocabulary';

/** Props of {@link DnsRecords}. */
export interface DnsRecordsProps extends DnsOptions {
  /** The host name the records are for. */
  readonly host: string;
}

/** A record as made: its type, content and resource. */
export interface DnsRecordEntry {
  /** `CNAME` to the tunnel when proxied; `A` / `AAAA` to the public address otherwise. */
  readonly type: DnsRecordType;
  /** Record content (tunnel host name or address). */
  readonly content: string;
  /** The `cloudflare_dns_record` resource. */
  readonly resource: TerraformResource;
  /** The id of the existing record to adopt, if one was given. */
  readonly recordId?: string;
}

/** Construct id of the stack's Cloudflare provider: one per stack, shared by every host. */
const PROVIDER_ID = 'Cloudflare';

/**
 * The Cloudflare DNS records of one host (`cloudflare_dns_record`). The provider reads its API token
 * from `CLOUDFLARE_API_TOKEN` when Terraform runs; it never enters the synthesized configuration.
 * `@cdktf/provider-cloudflare` is loaded only when this construct makes records.
 */
export class DnsRecords extends Construct {
  /** The host the records are for (the record name). */
  public readonly host: string;
  /** `proxied`, `non-proxied` or `none` (no records, no provider). */
  public readonly mode: DnsMode;
  /** Effective TTL. */
  public readonly ttl: number;
  /** The records made (none for `none`). */
  public readonly records: readonly DnsRecordEntry[];
  public readonly zoneId: string;

  constructor(scope: Construct, id: string, props: DnsRecordsProps) {
    super(scope, id);
    this.host = props.host;
    this.mode = props.mode;
    this.zoneId = props.zoneId;
    this.ttl = props.ttl ?? (props.mode === 'proxied' ? 1 : 300);
    const wanted = DnsRecords.wantedRecords(props);

    const problems = new Problems('dns');
    DnsRecords.check(props, this.ttl, problems);
    problems.throwIfAny(this);

    if (wanted.length === 0) {
      this.records = [];
      return;
    }
    const cloudflare = loadCloudflare();
    const stack = TerraformStack.of(this);
    if (stack.node.tryFindChild(PROVIDER_ID) === undefined) new cloudflare.CloudflareProvider(stack, PROVIDER_ID, {});
    this.records = wanted.map(({ type, content }) => ({
      type,
      content,
      recordId: props.recordIds?.[this.host]?.[type],
      resource: new cloudflare.DnsRecord(this, type, {
        zoneId: this.zoneId,
        name: this.host,
        type,
        content,
        proxied: this.mode === 'proxied',
        ttl: this.ttl,
        comment: 'managed by webterminal-cdktf',
      }),
    }));
  }

  /** The records a configuration stands for, in a stable order. */
  private static wantedRecords(props: DnsRecordsProps): { type: DnsRecordType; content: string }[] {
    if (props.mode === 'proxied') return [{ type: 'CNAME', content: `${props.tunnelId ?? ''}.cfargotunnel.com` }];
    if (props.mode !== 'non-proxied') return [];
    const records: { type: DnsRecordType; content: string }[] = [];
    if (props.publicIp !== undefined) records.push({ type: 'A', content: props.publicIp });
    if (props.publicIpv6 !== undefined) records.push({ type: 'AAAA', content: props.publicIpv6 });
    return records;
  }

  private static check(props: DnsRecordsProps, ttl: number, problems: Problems): void {
    problems.add(checkDnsName('host', props.host));
    for (const p of checkDnsOptions(props, 'dns.')) problems.add(p);
    if (props.mode === 'proxied')
      problems.add(ttl === 1 ? undefined : `dns.ttl ${ttl} is not allowed for proxied records: Cloudflare requires 1 (automatic)`);
    else problems.add(checkInteger('dns.ttl', ttl, 60, 86400));
  }
}
