/** `TerminalHost`: one host of the terminal (ttyd Service, ingress, DNS), used twice for the mirror. */
import { TerminalHost, TerminalStack, TtydBackend } from '../../lib';
import { configProps } from '../support/config-props';
import { Testing } from '../../lib/private/cdktf';
import { synthResources } from '../support/synth';
import { EXAMPLE_ADDRESSES, MIRROR_JSON, resourceKeys, synthStack } from '../support/original-setup';

describe('TerminalHost', () => {
  test('the main host keeps every Terraform address it had before the construct existed', () => {
    expect(resourceKeys(synthStack())).toStrictEqual(EXAMPLE_ADDRESSES);
    // with the mirror and DNS the old addresses stay, and the new objects are added beside them
    const withMirror = resourceKeys(JSON.parse(Testing.synth(new TerminalStack(Testing.app(), 'terminal', configProps(MIRROR_JSON)))));
    expect(withMirror).toEqual(expect.arrayContaining(EXAMPLE_ADDRESSES));
    expect(withMirror.filter((key) => !EXAMPLE_ADDRESSES.includes(key))).toStrictEqual([
      'cloudflare_dns_record.Dns_CNAME_98B7B9C9',
      'cloudflare_dns_record.Mirror_Dns_CNAME_7038C934',
      'kubernetes_endpoints_v1.Mirror_Ttyd_Endpoints_9C5AD582',
      'kubernetes_ingress_v1.Mirror_Ingress_73512FC6',
      'kubernetes_manifest.Mirror_Ingress_ClientHeaders_96A44949',
      'kubernetes_service_v1.Mirror_Ttyd_3549065A',
    ]);
  });

  test('makes Service, Endpoints and a protected ingress for one host, on its own', () => {
    const resources = synthResources((scope) => {
      new TerminalHost(scope, 'Mirror', {
        namespace: 'terminal',
        host: 'terminal-ro.example.org',
        name: 'terminal-ro',
        tlsSecretName: 'terminal-ro-tls',
        ttyd: TtydBackend.externalHost({ address: '10.0.10.10', port: 7682 }),
      });
    });
    // kubernetes_manifest: the headers middleware that removes client-sent X-authentik-* before auth
    expect(Object.keys(resources).sort()).toStrictEqual([
      'kubernetes_endpoints_v1',
      'kubernetes_ingress_v1',
      'kubernetes_manifest',
      'kubernetes_service_v1',
    ]);
    const [ingress] = Object.values(resources.kubernetes_ingress_v1);
    expect(ingress.spec.tls).toStrictEqual([{ hosts: ['terminal-ro.example.org'], secret_name: 'terminal-ro-tls' }]);
    const [endpoints] = Object.values(resources.kubernetes_endpoints_v1);
    expect(endpoints.subset[0]).toStrictEqual({ address: [{ ip: '10.0.10.10' }], port: [{ name: 'http', port: 7682, protocol: 'TCP' }] });
  });
});
