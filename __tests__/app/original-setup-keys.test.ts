/** The configuration keys of the original setup: the mirror, annotations, DNS and ignored labels. */
import { TerminalStack } from '../../lib';
import { configProps } from '../support/config-props';
import { Testing } from '../../lib/private/cdktf';
import { ValidationError } from '../../lib/private/validation';
import { Json, MIRROR_JSON } from '../support/original-setup';

describe('configuration: the mirror, annotations, DNS and ignored-label keys', () => {
  test('the configuration synthesizes: mirror, annotations, DNS for both hosts, ignored labels', () => {
    const stack = new TerminalStack(Testing.app(), 'terminal', configProps(MIRROR_JSON));
    const json = JSON.parse(Testing.synth(stack)) as Json;
    const dns = Object.values(json.resource.cloudflare_dns_record as Json).map((r) => [r.name, r.type, r.content, r.proxied]);
    expect(dns).toStrictEqual([
      ['terminal.example.com', 'CNAME', '6ff42ae2-765d-4adf-8112-31c55c1551ef.cfargotunnel.com', true],
      ['terminal-ro.example.org', 'CNAME', '6ff42ae2-765d-4adf-8112-31c55c1551ef.cfargotunnel.com', true],
    ]);
    expect(json.resource.kubernetes_namespace_v1.Namespace.lifecycle.ignore_changes).toHaveLength(1);
    expect(
      Object.values(json.resource.kubernetes_ingress_v1 as Json).every((i) => i.metadata.annotations['gethomepage.dev/enabled'] === 'true'),
    ).toBe(true);
    expect(stack.mirrorHost?.host).toBe('terminal-ro.example.org');
    expect(json.import).toBeUndefined();
  });

  test('bad values: every problem at once, with the field and the value', () => {
    const bad = {
      mirror: { host: 'ro..example.org', hostPort: 0, extra: 1 },
      annotations: { 'gethomepage.dev/enabled': true },
      dns: { provider: 'route53', zoneId: 'x', mode: 'proxied', tunnelId: 'y', recordIds: { 'terminal.example.com': { MX: 'z' } } },
      namespaceIgnoredLabels: [3],
      adopt: 'yes',
    };
    let error: unknown;
    try {
      configProps(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems).toEqual(
      expect.arrayContaining([
        'mirror.extra: unknown key; did you mean "host"?',
        'mirror.host "ro..example.org" is not a valid DNS name (lowercase letters, digits and \'-\', in dot-separated labels of 1-63 characters)',
        'mirror.hostPort 0 is not an integer from 1 to 65535',
        'annotations {"gethomepage.dev/enabled":true} is not an object of names to strings ("gethomepage.dev/enabled" is true)',
        'dns.provider "route53" is not one of "cloudflare"',
        'dns.recordIds.terminal.example.com.MX: unknown key; did you mean "A"?',
        'namespaceIgnoredLabels[0] 3 is not a string',
        'adopt "yes" is not true or false',
      ]),
    );
  });

  test('dns needs a mode and a provider: a missing setting is an error', () => {
    expect(() => configProps({ dns: { zoneId: '0123456789abcdef0123456789abcdef' } })).toThrow(
      'config: dns.provider is required\nconfig: dns.mode is required',
    );
  });

  test('bad DNS values are named with the value', () => {
    expect(() =>
      configProps({
        dns: { provider: 'cloudflare', zoneId: 'x', mode: 'proxied', tunnelId: 'y', recordIds: { 'terminal.example.com': { CNAME: 'z' } } },
      }),
    ).toThrow(
      [
        'config: dns.zoneId "x" is not a Cloudflare zone id (32 lowercase hex digits)',
        'config: dns.tunnelId "y" is not a Cloudflare tunnel id (a lowercase UUID); mode "proxied" needs it',
        'config: dns.recordIds.terminal.example.com.CNAME "z" is not a Cloudflare record id (32 lowercase hex digits)',
      ].join('\n'),
    );
  });
});
