/**
 * `@cdktf/provider-cloudflare` is an optional peer dependency: here it is made absent, as on a
 * machine that never installed it.
 */
function moduleNotFound(name: string): never {
  const error = new Error(`Cannot find module '${name}'`) as NodeJS.ErrnoException;
  error.code = 'MODULE_NOT_FOUND';
  throw error;
}
jest.mock('@cdktf/provider-cloudflare/lib/dns-record', () => moduleNotFound('@cdktf/provider-cloudflare/lib/dns-record'));
jest.mock('@cdktf/provider-cloudflare/lib/provider', () => moduleNotFound('@cdktf/provider-cloudflare/lib/provider'));
jest.mock('@cdktf/provider-cloudflare', () => moduleNotFound('@cdktf/provider-cloudflare'));

import { TerminalStack } from '../../lib';
import { configProps } from '../support/config-props';
import { Testing } from '../../lib/private/cdktf';
import { ValidationError } from '../../lib/private/validation';

describe('without @cdktf/provider-cloudflare installed', () => {
  test('the package really is absent for this test', async () => {
    const absent = '@cdktf/provider-cloudflare/lib/dns-record';
    await expect(import(absent)).rejects.toThrow(`Cannot find module '${absent}'`);
  });

  test('a stack without DNS synthesizes, and so does one with dns mode none', () => {
    const plain = JSON.parse(Testing.synth(new TerminalStack(Testing.app(), 'terminal', configProps())));
    expect(plain.resource.kubernetes_namespace_v1).toBeDefined();
    expect(plain.provider.cloudflare).toBeUndefined();
    const none = new TerminalStack(Testing.app(), 'terminal', { ...configProps(), dns: { zoneId: '', mode: 'none' } });
    expect(JSON.parse(Testing.synth(none)).resource.cloudflare_dns_record).toBeUndefined();
  });

  test('a stack with DNS fails with a ValidationError that says what to install', () => {
    const build = () =>
      new TerminalStack(Testing.app(), 'terminal', {
        ...configProps(),
        dns: { zoneId: '0123456789abcdef0123456789abcdef', mode: 'proxied', tunnelId: '6ff42ae2-765d-4adf-8112-31c55c1551ef' },
      });
    expect(build).toThrow(ValidationError);
    expect(build).toThrow(
      'dns: DNS records are configured (provider "cloudflare"), but the package @cdktf/provider-cloudflare is not installed: ' +
        'run `npm install @cdktf/provider-cloudflare@^13`, or set dns.mode "none"',
    );
  });
});
