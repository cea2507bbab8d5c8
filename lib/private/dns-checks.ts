import { isIPv6 } from 'net';
import { DNS_MODES, type DnsOptions } from './vocabulary';
import { checkHostAddress } from './validation';

const ZONE_ID = /^[0-9a-f]{32}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RECORD_ID = /^[0-9a-f]{32}$/;

/** Problems of DNS options without a host: used by the construct and by the configuration reader. */
export function checkDnsOptions(options: DnsOptions, prefix = 'dns.'): string[] {
  const list: string[] = [];
  const add = (p: string | undefined): void => {
    if (p !== undefined) list.push(p);
  };
  add(
    DNS_MODES.includes(options.mode)
      ? undefined
      : `${prefix}mode ${JSON.stringify(options.mode)} is not one of ${DNS_MODES.map((m) => JSON.stringify(m)).join(', ')}`,
  );
  if (options.mode === 'none') {
    for (const key of ['tunnelId', 'publicIp', 'publicIpv6'] as const) {
      const value = options[key];
      if (value !== undefined) add(`${prefix}${key} ${JSON.stringify(value)} is set with mode "none", which makes no record; leave it out`);
    }
    return list;
  }
  add(
    ZONE_ID.test(options.zoneId ?? '')
      ? undefined
      : `${prefix}zoneId ${JSON.stringify(options.zoneId)} is not a Cloudflare zone id (32 lowercase hex digits)`,
  );
  if (options.mode === 'proxied') {
    add(
      UUID.test(options.tunnelId ?? '')
        ? undefined
        : options.tunnelId === undefined
          ? `${prefix}tunnelId is not set; mode "proxied" needs the Cloudflare tunnel id (a lowercase UUID)`
          : `${prefix}tunnelId ${JSON.stringify(options.tunnelId)} is not a Cloudflare tunnel id (a lowercase UUID); mode "proxied" needs it`,
    );
    add(
      options.publicIp === undefined && options.publicIpv6 === undefined
        ? undefined
        : `${prefix}publicIp/publicIpv6 are for mode "non-proxied"; mode "proxied" points at the tunnel`,
    );
  }
  if (options.mode === 'non-proxied') {
    add(
      options.publicIp === undefined && options.publicIpv6 === undefined ? `${prefix}mode "non-proxied" needs publicIp and/or publicIpv6` : undefined,
    );
    if (options.publicIp !== undefined) add(checkHostAddress(`${prefix}publicIp`, options.publicIp, 'give the public address the records point at'));
    if (options.publicIpv6 !== undefined)
      add(isIPv6(options.publicIpv6) ? undefined : `${prefix}publicIpv6 ${JSON.stringify(options.publicIpv6)} is not an IPv6 address`);
    add(options.tunnelId === undefined ? undefined : `${prefix}tunnelId is for mode "proxied"; mode "non-proxied" makes A/AAAA records`);
  }
  for (const [host, ids] of Object.entries(options.recordIds ?? {})) {
    for (const [type, recordId] of Object.entries(ids)) {
      add(
        ['CNAME', 'A', 'AAAA'].includes(type)
          ? undefined
          : `${prefix}recordIds.${host}: record type ${JSON.stringify(type)} is not one of "CNAME", "A", "AAAA"`,
      );
      add(
        RECORD_ID.test(recordId ?? '')
          ? undefined
          : `${prefix}recordIds.${host}.${type} ${JSON.stringify(recordId)} is not a Cloudflare record id (32 lowercase hex digits)`,
      );
    }
  }
  return list;
}
