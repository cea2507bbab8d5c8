import { TerraformStack, Testing } from '../lib/cdktf';
import { onlyOf as only, synthResources as synth } from './helpers';
import { TtydBackend, TtydService } from '../lib';

describe('TtydService', () => {
  test('external host: a Service without selector and Endpoints naming the host and port', () => {
    const res = synth((scope) => {
      new TtydService(scope, 'Ttyd', { namespace: 'terminal', backend: TtydBackend.externalHost({ address: '10.0.10.10', port: 7681 }) });
    });
    const service = only(res, 'kubernetes_service_v1');
    expect(service.metadata).toStrictEqual({ name: 'terminal', namespace: 'terminal', labels: { 'app.kubernetes.io/part-of': 'webterminal' } });
    expect(service.spec.selector).toBeUndefined();
    expect(service.spec.port).toStrictEqual([{ name: 'http', port: 80, target_port: '7681', protocol: 'TCP' }]);
    const endpoints = only(res, 'kubernetes_endpoints_v1');
    expect(endpoints.metadata.name).toBe('terminal');
    expect(endpoints.subset).toStrictEqual([{ address: [{ ip: '10.0.10.10' }], port: [{ name: 'http', port: 7681, protocol: 'TCP' }] }]);
    expect(res.kubernetes_deployment_v1).toBeUndefined();
  });

  test('in-cluster: a pinned, non-root ttyd Deployment that trusts the auth header, selected by the Service', () => {
    const res = synth((scope) => {
      new TtydService(scope, 'Ttyd', { namespace: 'terminal', backend: TtydBackend.inCluster() });
    });
    expect(res.kubernetes_endpoints_v1).toBeUndefined();
    const deployment = only(res, 'kubernetes_deployment_v1');
    const pod = deployment.spec.template.spec;
    const container = pod.container[0];
    expect(container.image).toBe('tsl0922/ttyd:1.7.7');
    expect(container.args).toStrictEqual(['--port', '7681', '--auth-header', 'X-authentik-username', '--writable', 'bash']);
    expect(container.readiness_probe.http_get).toStrictEqual({ path: '/token', port: '7681', http_header: [{ name: 'X-authentik-username', value: 'kubelet-readiness' }] });
    expect(container.resources).toStrictEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '1', memory: '512Mi' } });
    expect(container.security_context).toStrictEqual({ allow_privilege_escalation: false, capabilities: { drop: ['ALL'] } });
    expect(pod.security_context).toStrictEqual({ run_as_non_root: true, run_as_user: '1000', seccomp_profile: { type: 'RuntimeDefault' } });
    expect(pod.automount_service_account_token).toBe(false);
    const service = only(res, 'kubernetes_service_v1');
    expect(service.spec.selector).toStrictEqual(deployment.spec.selector.match_labels);
  });

  test('in-cluster: the auth header and image can be changed', () => {
    const res = synth((scope) => {
      new TtydService(scope, 'Ttyd', { namespace: 'terminal', backend: TtydBackend.inCluster({ authHeader: 'X-Forwarded-User', image: 'registry.example.com/ttyd@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' }) });
    });
    const container = only(res, 'kubernetes_deployment_v1').spec.template.spec.container[0];
    expect(container.image).toBe('registry.example.com/ttyd@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
    expect(container.args.slice(2, 4)).toStrictEqual(['--auth-header', 'X-Forwarded-User']);
  });

  test('exposes its in-cluster URL for the probe', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const ttyd = new TtydService(stack, 'Ttyd', { namespace: 'terminal', backend: TtydBackend.externalHost({ address: '10.0.10.10' }) });
    expect(ttyd.url).toBe('http://terminal.terminal.svc.cluster.local');
    expect(ttyd.targetPort).toBe(7681);
  });

  test('fails on a bad address, port and namespace, naming each', () => {
    expect(() =>
      synth((scope) => {
        new TtydService(scope, 'Ttyd', { namespace: 'Terminal_NS', backend: TtydBackend.externalHost({ address: '10.0.10.300', port: 70000 }) });
      }),
    ).toThrow(
      [
        'ttyd-service: namespace "Terminal_NS" is not a DNS-1123 label (1-63 lowercase letters, digits or \'-\', starting and ending with a letter or digit)',
        'ttyd-service: address "10.0.10.300" is not an IPv4 address (like 192.0.2.10)',
        'ttyd-service: port 70000 is not a port (an integer from 1 to 65535)',
      ].join('\n'),
    );
  });

  test('fails on an unpinned image', () => {
    expect(() =>
      synth((scope) => {
        new TtydService(scope, 'Ttyd', { namespace: 'terminal', backend: TtydBackend.inCluster({ image: 'tsl0922/ttyd' }) });
      }),
    ).toThrow('ttyd-service: image "tsl0922/ttyd" is not pinned (give a version tag or a digest)');
  });
});
