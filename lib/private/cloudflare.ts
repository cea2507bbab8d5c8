/**
 * The Cloudflare provider, loaded only when DNS records are configured: `@cdktf/provider-cloudflare`
 * is an optional peer dependency (about 77 MB), so a stack without DNS needs neither the package nor
 * Cloudflare credentials. Like `lib/private/cdktf.ts`, this is the one place that names the package.
 */
import type { DnsRecord, DnsRecordConfig } from '@cdktf/provider-cloudflare/lib/dns-record';
import type { CloudflareProvider, CloudflareProviderConfig } from '@cdktf/provider-cloudflare/lib/provider';
import type { Construct } from 'constructs';
import { ValidationError } from './validation';

/** The package name, as users install it. */
export const CLOUDFLARE_PROVIDER_PACKAGE = '@cdktf/provider-cloudflare';

/** The provider classes the DNS construct uses. */
export interface CloudflareModules {
  readonly DnsRecord: new (scope: Construct, id: string, config: DnsRecordConfig) => DnsRecord;
  readonly CloudflareProvider: new (scope: Construct, id: string, config?: CloudflareProviderConfig) => CloudflareProvider;
}

/**
 * Loads the provider classes from their own modules (not the 77 MB package index). The names are
 * literal so that the synth's bundle (scripts/run-ts.cjs) carries them when installed.
 */
export function loadCloudflare(): CloudflareModules {
  try {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const dnsRecord = require('@cdktf/provider-cloudflare/lib/dns-record') as { DnsRecord: CloudflareModules['DnsRecord'] };
    const provider = require('@cdktf/provider-cloudflare/lib/provider') as { CloudflareProvider: CloudflareModules['CloudflareProvider'] };
    /* eslint-enable @typescript-eslint/no-require-imports */
    return { DnsRecord: dnsRecord.DnsRecord, CloudflareProvider: provider.CloudflareProvider };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e;
    throw new ValidationError('dns', [
      `DNS records are configured (provider "cloudflare"), but the package ${CLOUDFLARE_PROVIDER_PACKAGE} is not installed: ` +
        `run \`npm install ${CLOUDFLARE_PROVIDER_PACKAGE}@^13\`, or set dns.mode "none"`,
    ]);
  }
}
