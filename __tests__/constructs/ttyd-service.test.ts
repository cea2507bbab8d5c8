import { TerraformStack, Testing } from '../../lib/private/cdktf';
import { manifestsOf, onlyOf as only, synthResources as synth } from '../support/synth';
import { TtydBackend, TtydService } from '../../lib';

describe('TtydService', () => {
  test('external host: a Service without selector and Endpoints naming the host and port', () => {
    const res = synth((scope) => {
      new TtydService(scope, 'Ttyd', { namespace: 'terminal', ttyd: TtydBackend.externalHost({ address: '10.0.10.10', port: 7681 }) });
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
      new TtydService(scope, 'Ttyd', { namespace: 'terminal', ttyd: TtydBackend.inCluster() });
    });
    expect(res.kubernetes_endpoints_v1).toBeUndefined();
    const deployment = only(res, 'kubernetes_deployment_v1');
    const pod = deployment.spec.template.spec;
    const container = pod.container[0];
    expect(container.image).toBe('tsl0922/ttyd:1.7.7');
    // args replaces the image's CMD (`ttyd bash`) and leaves its ENTRYPOINT (tini) as PID 1.
    expect(container.command).toBeUndefined();
    expect(container.args).toStrictEqual(['ttyd', '--port', '7681', '--auth-header', 'X-authentik-username', '--check-origin', '--writable', 'bash']);
    expect(container.readiness_probe.http_get).toStrictEqual({
      path: '/token',
      port: '7681',
      http_header: [{ name: 'X-authentik-username', value: 'kubelet-readiness' }],
    });
    expect(container.resources).toStrictEqual({
      requests: { cpu: '50m', memory: '64Mi', 'ephemeral-storage': '64Mi' },
      limits: { cpu: '1', memory: '512Mi', 'ephemeral-storage': '1Gi' },
    });
    expect(container.security_context).toStrictEqual({
      read_only_root_filesystem: true,
      allow_privilege_escalation: false,
      privileged: false,
      // on the container too: the provider sends an unset bool as false, which Pod Security refuses
      run_as_non_root: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.security_context).toStrictEqual({
      run_as_non_root: true,
      run_as_user: '1000',
      run_as_group: '1000',
      fs_group: '1000',
      seccomp_profile: { type: 'RuntimeDefault' },
    });
    expect(pod.automount_service_account_token).toBe(false);
    expect(pod.enable_service_links).toBe(false);
    // The root filesystem is read-only: HOME and /tmp are emptyDirs, and HOME points at its volume.
    expect(container.env).toStrictEqual([{ name: 'HOME', value: '/home/terminal' }]);
    expect(container.volume_mount).toStrictEqual([
      { name: 'home', mount_path: '/home/terminal' },
      { name: 'tmp', mount_path: '/tmp' },
    ]);
    expect(pod.volume).toStrictEqual([
      { name: 'home', empty_dir: {} },
      { name: 'tmp', empty_dir: {} },
    ]);
    const service = only(res, 'kubernetes_service_v1');
    expect(service.spec.selector).toStrictEqual(deployment.spec.selector.match_labels);
  });

  test('in-cluster: the auth header and image can be changed', () => {
    const res = synth((scope) => {
      new TtydService(scope, 'Ttyd', {
        namespace: 'terminal',
        ttyd: TtydBackend.inCluster({
          authHeader: 'X-Forwarded-User',
          image: 'registry.example.com/ttyd@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
        }),
      });
    });
    const container = only(res, 'kubernetes_deployment_v1').spec.template.spec.container[0];
    expect(container.image).toBe('registry.example.com/ttyd@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
    expect(container.args.slice(3, 5)).toStrictEqual(['--auth-header', 'X-Forwarded-User']);
  });

  test.each(['tsl0922/ttyd:1.7.7@sha256:' + 'a'.repeat(64), 'tsl0922/ttyd@sha256:' + 'b'.repeat(64), 'registry.example.com:5000/tools/ttyd:1.7.7'])(
    'in-cluster: accepts the pinned image %s',
    (image) => {
      const res = synth((scope) => {
        new TtydService(scope, 'Ttyd', { namespace: 'terminal', ttyd: TtydBackend.inCluster({ image }) });
      });
      expect(only(res, 'kubernetes_deployment_v1').spec.template.spec.container[0].image).toBe(image);
    },
  );

  test('in-cluster: runAsGroup and ephemeral storage can be set', () => {
    const res = synth((scope) => {
      new TtydService(scope, 'Ttyd', {
        namespace: 'terminal',
        ttyd: TtydBackend.inCluster({ runAsUser: 2000, runAsGroup: 3000, ephemeralStorageLimit: '2Gi' }),
      });
    });
    const pod = only(res, 'kubernetes_deployment_v1').spec.template.spec;
    expect(pod.security_context.run_as_group).toBe('3000');
    expect(pod.security_context.fs_group).toBe('3000');
    expect(pod.container[0].resources.limits['ephemeral-storage']).toBe('2Gi');
  });

  test('external host with mutual TLS: a ServersTransport with the client certificate, and the Service speaks https through it', () => {
    let ttyd: TtydService | undefined;
    const res = synth((scope) => {
      ttyd = new TtydService(scope, 'Ttyd', {
        namespace: 'terminal',
        ttyd: TtydBackend.externalHost({ address: '10.0.10.10', mutualTls: { clientCertSecret: 'ttyd-client' } }),
      });
    });
    const service = only(res, 'kubernetes_service_v1');
    expect(service.metadata.annotations).toStrictEqual({
      'traefik.ingress.kubernetes.io/service.serversscheme': 'https',
      'traefik.ingress.kubernetes.io/service.serverstransport': 'terminal-terminal@kubernetescrd',
    });
    expect(manifestsOf(res, 'ServersTransport')).toStrictEqual([
      {
        apiVersion: 'traefik.io/v1alpha1',
        kind: 'ServersTransport',
        metadata: { name: 'terminal', namespace: 'terminal', labels: { 'app.kubernetes.io/part-of': 'webterminal' } },
        spec: { serverName: 'terminal.terminal.svc.cluster.local', certificatesSecrets: ['ttyd-client'], rootCAs: [{ secret: 'ttyd-client' }] },
      },
    ]);
    expect(ttyd!.url).toBe('https://terminal.terminal.svc.cluster.local:80');
    expect(ttyd!.scheme).toBe('https');
    expect(ttyd!.serversTransport).toBe('terminal');
  });

  test('external host without mutual TLS: no annotations, no ServersTransport', () => {
    const res = synth((scope) => {
      new TtydService(scope, 'Ttyd', { namespace: 'terminal', ttyd: TtydBackend.externalHost({ address: '10.0.10.10' }) });
    });
    expect(only(res, 'kubernetes_service_v1').metadata.annotations).toBeUndefined();
    expect(manifestsOf(res, 'ServersTransport')).toHaveLength(0);
  });

  test('fails on a bad mutual TLS Secret, server name and auth header, naming each', () => {
    expect(() =>
      synth((scope) => {
        new TtydService(scope, 'Ttyd', {
          namespace: 'terminal',
          ttyd: TtydBackend.externalHost({
            address: '10.0.10.10',
            authHeader: 'X User',
            mutualTls: { clientCertSecret: 'Client_Cert', serverName: 'ttyd..example' },
          }),
        });
      }),
    ).toThrow(
      [
        'ttyd-service: ttyd.authHeader "X User" is not an HTTP header name (letters, digits and "-")',
        'ttyd-service: mutualTls.clientCertSecret "Client_Cert" is not a valid Kubernetes object name (lowercase letters, digits, \'-\' and ' +
          "'.', starting and ending with a letter or digit, 253 characters at most)",
        'ttyd-service: mutualTls.serverName "ttyd..example" is not a valid DNS name (lowercase letters, digits and \'-\', in dot-separated ' +
          'labels of 1-63 characters)',
      ].join('\n'),
    );
  });

  test('exposes its in-cluster URL for the probe', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const ttyd = new TtydService(stack, 'Ttyd', { namespace: 'terminal', ttyd: TtydBackend.externalHost({ address: '10.0.10.10' }) });
    expect(ttyd.url).toBe('http://terminal.terminal.svc.cluster.local');
    expect(ttyd.targetPort).toBe(7681);
  });

  test('fails on a bad address, port and namespace, naming each', () => {
    expect(() =>
      synth((scope) => {
        new TtydService(scope, 'Ttyd', { namespace: 'Terminal_NS', ttyd: TtydBackend.externalHost({ address: '10.0.10.300', port: 70000 }) });
      }),
    ).toThrow(
      [
        'ttyd-service: namespace "Terminal_NS" is not a DNS-1123 label (1-63 lowercase letters, digits or \'-\', starting and ending with a ' +
          'letter or digit)',
        'ttyd-service: address "10.0.10.300" is not an IPv4 address (like 192.0.2.10)',
        'ttyd-service: port 70000 is not a port (an integer from 1 to 65535)',
      ].join('\n'),
    );
  });

  test('fails on an unpinned image', () => {
    expect(() =>
      synth((scope) => {
        new TtydService(scope, 'Ttyd', { namespace: 'terminal', ttyd: TtydBackend.inCluster({ image: 'tsl0922/ttyd' }) });
      }),
    ).toThrow('ttyd-service: image "tsl0922/ttyd" is not pinned (give a version tag or a digest)');
  });
});
