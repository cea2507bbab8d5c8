/** `DnsRecords`: Cloudflare records for each host. */
import { DnsRecords } from '../../lib';
import { Testing } from '../../lib/private/cdktf';
import { Json, stackOf, synthStack } from '../support/original-setup';

describe('DnsRecords', () => {
  const zoneId = '0123456789abcdef0123456789abcdef';
  const tunnelId = '6ff42ae2-765d-4adf-8112-31c55c1551ef';

  function records(props: Partial<ConstructorParameters<typeof DnsRecords>[2]>): Json {
    const json = JSON.parse(
      Testing.synthScope((scope) => {
        new DnsRecords(scope, 'Dns', { host: 'terminal.example.org', zoneId, mode: 'proxied', tunnelId, ...props });
      }),
    ) as Json;
    return json;
  }

  test('proxied: one proxied CNAME to the tunnel, ttl 1 (automatic)', () => {
    const json = records({});
    expect(Object.values(json.resource.cloudflare_dns_record)).toStrictEqual([
      expect.objectContaining({
        zone_id: zoneId,
        name: 'terminal.example.org',
        type: 'CNAME',
        content: `${tunnelId}.cfargotunnel.com`,
        proxied: true,
        ttl: 1,
      }),
    ]);
  });

  test('non-proxied: A and AAAA to the public addresses, not proxied, with a ttl', () => {
    const json = records({ mode: 'non-proxied', tunnelId: undefined, publicIp: '203.0.113.7', publicIpv6: '2001:db8::7' });
    const made = Object.values(json.resource.cloudflare_dns_record as Json)
      .map((r) => [r.type, r.content, r.proxied, r.ttl])
      .sort();
    expect(made).toStrictEqual([
      ['A', '203.0.113.7', false, 300],
      ['AAAA', '2001:db8::7', false, 300],
    ]);
  });

  test('none: no record and no Cloudflare provider', () => {
    const json = records({ mode: 'none', tunnelId: undefined });
    expect(json.resource).toBeUndefined();
    expect(json.provider).toBeUndefined();
  });

  // That CLOUDFLARE_API_TOKEN in the environment reaches no output is the app's test (app.test.ts).
  test('the provider has no API token in the synthesized JSON: Terraform reads CLOUDFLARE_API_TOKEN when it runs', () => {
    const text = Testing.synth(stackOf({ dns: { zoneId, mode: 'proxied', tunnelId } }));
    const json = JSON.parse(text) as Json;
    expect(json.provider.cloudflare).toStrictEqual([{}]);
    expect(json.terraform.required_providers.cloudflare.source).toBe('cloudflare/cloudflare');
    expect(text).not.toContain('api_token');
  });

  test('bad settings: every problem at once, naming field and value', () => {
    expect(() => records({ zoneId: 'zone', tunnelId: 'tunnel', ttl: 300 })).toThrow(
      'dns: dns.zoneId "zone" is not a Cloudflare zone id (32 lowercase hex digits)\n' +
        'dns: dns.tunnelId "tunnel" is not a Cloudflare tunnel id (a lowercase UUID); mode "proxied" needs it\n' +
        'dns: dns.ttl 300 is not allowed for proxied records: Cloudflare requires 1 (automatic)',
    );
    expect(() => records({ mode: 'non-proxied', tunnelId: undefined })).toThrow('dns: dns.mode "non-proxied" needs publicIp and/or publicIpv6');
    expect(() => records({ mode: 'non-proxied', tunnelId: undefined, publicIp: '203.0.113.300', publicIpv6: '2001:db8::zz' })).toThrow(
      'dns: dns.publicIp "203.0.113.300" is not an IPv4 address (like 192.0.2.10)\ndns: dns.publicIpv6 "2001:db8::zz" is not an IPv6 address',
    );
  });

  test('a stack without DNS declares no Cloudflare provider', () => {
    const json = synthStack();
    expect(json.provider.cloudflare).toBeUndefined();
    expect(json.terraform.required_providers.cloudflare).toBeUndefined();
  });
});
