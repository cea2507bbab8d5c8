/** The read-only mirror: a second host and a second ttyd on the same machine. */
import { defined } from '../support/synth';
import { TerminalStackProps, TtydBackend } from '../../lib';
import { Testing } from '../../lib/private/cdktf';
import { Json, MIRROR_JSON, stackOf, synthStack } from '../support/original-setup';

describe('TerminalStack: the read-only mirror', () => {
  const props: Partial<TerminalStackProps> = {
    host: 'terminal.example.org',
    mirror: { host: 'terminal-ro.example.org', hostPort: 7682 },
    annotations: MIRROR_JSON.annotations,
    auth: 'public',
  };

  test('gets its own Service and Endpoints on the ttyd host, and an ingress with TLS, posture and annotations like the main host', () => {
    const json = synthStack(props);
    const ingresses = Object.values(json.resource.kubernetes_ingress_v1 as Json);
    const main = defined(
      ingresses.find((i) => i.metadata.name === 'terminal'),
      'main',
    );
    const mirror = defined(
      ingresses.find((i) => i.metadata.name === 'terminal-ro'),
      'mirror',
    );
    expect(mirror.spec.rule[0].host).toBe('terminal-ro.example.org');
    expect(mirror.spec.rule[0].http.path[0].backend.service).toStrictEqual({ name: 'terminal-ro', port: { number: 80 } });
    expect(mirror.spec.tls).toStrictEqual([{ hosts: ['terminal-ro.example.org'], secret_name: 'terminal-ro-tls' }]);
    // everything but the host-specific parts is the same as on the main host
    const middlewares = 'traefik.ingress.kubernetes.io/router.middlewares';
    const { [middlewares]: mirrorChain, ...mirrorRest } = mirror.metadata.annotations as Record<string, string>;
    const { [middlewares]: mainChain, ...mainRest } = main.metadata.annotations as Record<string, string>;
    expect(mirrorRest).toStrictEqual(mainRest);
    // the same chain, with the mirror's own client-headers middleware first
    expect(mirrorChain).toBe(mainChain.replace('-terminal-client-headers@', '-terminal-ro-client-headers@'));
    expect(mirror.metadata.annotations).toMatchObject({
      'gethomepage.dev/enabled': 'true',
      'gethomepage.dev/name': 'Terminal',
      'webterminal.dev/auth-posture': 'public',
      'traefik.ingress.kubernetes.io/router.middlewares':
        '${kubernetes_namespace_v1.Namespace.metadata[0].name}-terminal-ro-client-headers@kubernetescrd,traefik-authentik-forward-auth@kubernetescrd',
    });
    const endpoints = defined(
      Object.values(json.resource.kubernetes_endpoints_v1 as Json).find((e) => e.metadata.name === 'terminal-ro'),
      'endpoints',
    );
    expect(endpoints.subset[0].address).toStrictEqual([{ ip: '192.0.2.10' }]);
    expect(endpoints.subset[0].port[0].port).toBe(7682);
  });

  test('is checked by the same probe run, not a second probe', () => {
    const stack = stackOf(props);
    expect(stack.webterminalProbe?.environment.PROBE_MIRROR_EDGE_URL).toBe('https://terminal-ro.example.org');
    expect(Object.keys(JSON.parse(Testing.synth(stack)).resource.kubernetes_cron_job_v1)).toHaveLength(1);
    expect(stackOf().webterminalProbe?.environment.PROBE_MIRROR_EDGE_URL).toBeUndefined();
  });

  test('annotations go on every ingress object, IngressRoute included, and cannot replace ours', () => {
    const json = synthStack({ ...props, ingressKind: 'IngressRoute', routes: [] });
    const routes = Object.values(json.resource.kubernetes_manifest as Json)
      .map((m) => m.manifest)
      .filter((m) => m.kind === 'IngressRoute');
    expect(routes.map((r) => r.metadata.annotations['gethomepage.dev/name'])).toStrictEqual(['Terminal', 'Terminal']);
    // Every problem, each line led by the construct's path.
    const bad = () => stackOf({ annotations: { 'webterminal.dev/auth-posture': 'none', 'bad key!': 'x' } });
    expect(bad).toThrow(
      'terminal/Default/Default/Ingress: protected-ingress: annotations key "webterminal.dev/auth-posture" is written by this library; ' +
        'it cannot be set\nterminal/Default/Default/Ingress: protected-ingress: annotations key "bad key!" is not an annotation key',
    );
  });

  test('needs ttyd on an external host', () => {
    expect(() => stackOf({ ...props, ttyd: TtydBackend.inCluster(), routes: [] })).toThrow(
      'terminal-stack: mirror.hostPort 7682 needs ttyd on an external host',
    );
  });
});
