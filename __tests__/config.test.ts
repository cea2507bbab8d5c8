import { EXAMPLE_CONFIG, ValidationError, loadTerminalConfig, terminalStackProps } from '../lib';

function problemsOf(context: unknown, env: NodeJS.ProcessEnv = {}): readonly string[] {
  try {
    loadTerminalConfig(context, env);
  } catch (e) {
    if (e instanceof ValidationError) return e.problems;
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('loadTerminalConfig', () => {
  test('returns the built-in example when nothing is set', () => {
    expect(loadTerminalConfig({}, {})).toEqual(EXAMPLE_CONFIG);
  });

  test('takes cdktf.json context over the example, and the environment over both', () => {
    const config = loadTerminalConfig(
      { host: 'terminal.lab.example.org', namespace: 'shell', ttyd: { address: '10.0.10.10' } },
      { TERMINAL_NAMESPACE: 'webterm', TERMINAL_TTYD_PORT: '7690', TERMINAL_STATE_BACKEND: 'pg', KUBE_CTX: 'lab' },
    );
    expect(config.host).toBe('terminal.lab.example.org');
    expect(config.namespace).toBe('webterm');
    expect(config.ttyd).toStrictEqual({ mode: 'external', address: '10.0.10.10', port: 7690 });
    expect(config.stateBackend).toBe('pg');
    expect(config.kubeContext).toBe('lab');
  });

  test('merges a TERMINAL_CONFIG JSON object last', () => {
    const config = loadTerminalConfig({}, { TERMINAL_CONFIG: JSON.stringify({ routes: [], ingressKind: 'IngressRoute' }) });
    expect(config.routes).toStrictEqual([]);
    expect(config.ingressKind).toBe('IngressRoute');
  });

  test('takes an in-cluster ttyd with routes to existing services', () => {
    const config = loadTerminalConfig({ ttyd: { mode: 'in-cluster' }, routes: [{ path: '/clipboard/', serviceName: 'clipboard', servicePort: 8080 }] }, {});
    expect(config.ttyd.mode).toBe('in-cluster');
    expect(config.routes).toStrictEqual([{ path: '/clipboard/', serviceName: 'clipboard', servicePort: 8080, hostPort: undefined, stripPrefix: undefined }]);
  });

  test('reports every problem at once, each naming the field and the value', () => {
    const problems = problemsOf({
      host: 'terminal..example.com',
      namespace: 'Terminal',
      ttyd: { address: '10.0.10.256', port: 0 },
      auth: 'none',
      routes: [
        { path: '/clipboard/', hostPort: 7683 },
        { path: '/clipboard/', hostPort: 70000 },
      ],
    });
    expect(problems).toStrictEqual([
      'ttyd.address "10.0.10.256" is not an IPv4 address (like 192.0.2.10)',
      'ttyd.port 0 is not a port (an integer from 1 to 65535)',
      'routes[1].path "/clipboard/" is used by two routes',
      'routes[1].hostPort 70000 is not a port (an integer from 1 to 65535)',
      'host "terminal..example.com" is not a valid DNS name (lowercase letters, digits and \'-\', in dot-separated labels of 1-63 characters)',
      'namespace "Terminal" is not a DNS-1123 label (1-63 lowercase letters, digits or \'-\', starting and ending with a letter or digit)',
      'auth "none" leaves the host without Authentik: give authReason to say why',
    ]);
  });

  test('prefixes the error message with config: on every line', () => {
    expect(() => loadTerminalConfig({ host: 'bad_host' }, {})).toThrow(/^config: host "bad_host" is not a valid DNS name/);
  });

  test.each([
    ['a port that is not a number', { TERMINAL_TTYD_PORT: 'http' }, 'ttyd.port "http" is not a number'],
    ['an unknown auth posture', { TERMINAL_AUTH: 'maybe' }, 'auth "maybe" is not one of "required", "public", "app", "none"'],
    ['an unknown state backend', { TERMINAL_STATE_BACKEND: 's3' }, 'stateBackend "s3" is not one of "local", "pg"'],
    ['TERMINAL_CONFIG that is not JSON', { TERMINAL_CONFIG: '{host:' }, 'TERMINAL_CONFIG is not valid JSON'],
  ])('rejects %s from the environment', (_name, env, message) => {
    expect(problemsOf({}, env).some((p) => p.startsWith(message))).toBe(true);
  });

  test('rejects routes that give neither or both of hostPort and serviceName', () => {
    expect(problemsOf({ routes: [{ path: '/a/' }, { path: '/b/', hostPort: 1, serviceName: 'b', servicePort: 80 }] })).toStrictEqual([
      'routes[0] needs exactly one of hostPort (a port on the ttyd host) and serviceName',
      'routes[1] needs exactly one of hostPort (a port on the ttyd host) and serviceName',
    ]);
  });

  test('rejects host-port routes for an in-cluster ttyd', () => {
    expect(problemsOf({ ttyd: { mode: 'in-cluster' } })).toContain('routes[0].hostPort needs ttyd.mode "external"; give serviceName and servicePort instead');
  });

  test('passes probe and alert settings from context and TERMINAL_PUSHGATEWAY_URL to the stack props', () => {
    const config = loadTerminalConfig(
      { probe: { schedule: '*/2 * * * *', routerInventory: true }, alerts: { namespace: 'observability', configMap: true, prometheusRule: false } },
      { TERMINAL_PUSHGATEWAY_URL: 'http://pushgateway.monitoring:9091' },
    );
    const props = terminalStackProps(config);
    expect(props.probe).toBe(true);
    expect(props.probeOptions).toStrictEqual({ createReplicaService: true, schedule: '*/2 * * * *', routerInventory: true, pushgatewayUrl: 'http://pushgateway.monitoring:9091' });
    expect(props.alertsRuleOptions).toStrictEqual({ namespace: 'observability', configMap: true, prometheusRule: false });
  });

  test('rejects probe and alert settings of the wrong type, naming them', () => {
    expect(problemsOf({ probe: { samples: 'six' }, alerts: { paritySource: 'traefik-v4' } })).toStrictEqual([
      'probe.samples "six" is not a number',
      'alerts.paritySource "traefik-v4" is not one of "inventory", "traefik-v2", "traefik-v3"',
    ]);
  });

  test('accepts app and none with a reason', () => {
    expect(loadTerminalConfig({ auth: 'app', authReason: 'ttyd --credential' }, {}).auth).toBe('app');
  });

  test('reads probe.remediation and hands it to the probe', () => {
    const config = loadTerminalConfig({ probe: { remediation: { mode: 'dry-run', afterRuns: 4, minIntervalSeconds: 7200 } } }, {});
    expect(config.probe.remediation).toStrictEqual({ mode: 'dry-run', afterRuns: 4, minIntervalSeconds: 7200 });
    expect(terminalStackProps(config).probeOptions?.remediation).toStrictEqual({ mode: 'dry-run', afterRuns: 4, minIntervalSeconds: 7200 });
  });

  test('names a bad probe.remediation mode, a wrong type and an unknown key, all at once', () => {
    expect(problemsOf({ probe: { remediation: { mode: 'yes', afterRuns: 'three', evictAll: true } } })).toStrictEqual([
      'probe.remediation.evictAll is not a setting (accepted: mode, afterRuns, minIntervalSeconds)',
      'probe.remediation.mode "yes" is not one of "off", "dry-run", "on"',
      'probe.remediation.afterRuns "three" is not a number',
    ]);
  });
});
