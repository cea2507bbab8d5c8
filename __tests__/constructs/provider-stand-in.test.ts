import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runApp } from '../../app/app';
import { TerminalStack, TerminalStackProps, TtydBackend } from '../../lib';
import { Testing } from '../../lib/private/cdktf';
import { probeFiles } from '../../lib/private/probe-files';
import { EXAMPLE_PROPS } from '../support/example-props';
import { StandInResource, objectsOf, skipped } from '../support/provider-stand-in';
import { defined, terraformLiteral } from '../support/synth';
import type { JsonNode } from '../support/synth';

type TfJson = { resource: Record<string, Record<string, JsonNode>> };

/** The stack the app writes (`npm run synth`), `"//"` metadata and all, with `env` as its environment. */
function appStack(env: Record<string, string> = {}): TfJson {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'provider-stand-in-'));
  try {
    const outdir = path.join(tmp, 'cdktf.out');
    const run = runApp({ env: { CDKTF_OUTDIR: outdir, ...env }, cwd: tmp, projectDir: tmp });
    if (run.status !== 0) throw new Error(`the app failed: ${run.stderr}`);
    return JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'terminal', 'cdk.tf.json'), 'utf8')) as TfJson;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function stackOf(props: Partial<TerminalStackProps> = {}): { stack: TerminalStack; json: TfJson } {
  const stack = new TerminalStack(Testing.app(), 'terminal', { ...EXAMPLE_PROPS, ...props });
  return { stack, json: JSON.parse(Testing.synth(stack)) as TfJson };
}

/** The object of that kind and name, for reading with the tests' loose JSON type. */
function objectOf(resources: StandInResource[], kind: string, name: string): JsonNode {
  const found = resources.find((r) => r.object.kind === kind && r.object.metadata.name === name);
  return defined(found, `${kind} ${name}`).object as unknown as JsonNode;
}

/** A node as an object, to spread or take apart. */
const fieldsOf = (node: JsonNode): Record<string, JsonNode> => node as unknown as Record<string, JsonNode>;

/** A copy of the synthesized JSON with one resource added or replaced. */
function withResource(json: TfJson, type: string, name: string, config: unknown): TfJson {
  const copy = JSON.parse(JSON.stringify(json)) as TfJson;
  copy.resource[type] = { ...(copy.resource[type] ?? {}), [name]: config as JsonNode };
  return copy;
}

const ORIGINAL_SETUP = (JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'original-setup.json'), 'utf8')) as { config: unknown })
  .config;

describe('provider stand-in: the example stack as the app writes it', () => {
  const json = appStack();
  const resources = objectsOf(json);
  const cronJob = objectOf(resources, 'CronJob', 'webterminal-probe');
  const pod = cronJob.spec.jobTemplate.spec.template.spec;

  test('makes every Kubernetes resource, the namespace first and each after what it refers to', () => {
    const all = Object.entries(json.resource).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`));
    expect(skipped(json)).toStrictEqual(['terraform_data.webterminal_example_guard']);
    expect(resources.map((r) => r.address).sort()).toStrictEqual(all.filter((a) => !a.startsWith('terraform_data.')).sort());
    expect(resources[0].object).toStrictEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'terminal', labels: json.resource.kubernetes_namespace_v1.Namespace.metadata.labels },
    });
    for (const [i, r] of resources.entries()) {
      const [type, name] = r.address.split('.');
      const referenced = [...JSON.stringify(json.resource[type][name]).matchAll(/(?<!\$)\$\{([a-z0-9_]+\.[\w-]+)/g)].map((m) => m[1]);
      for (const address of referenced) {
        const at = resources.findIndex((o) => o.address === address);
        expect({ address, at: at >= 0 && at < i }).toStrictEqual({ address, at: true });
      }
    }
    const kinds = resources.map((r) => r.object.kind);
    expect(kinds.indexOf('Service')).toBeLessThan(kinds.indexOf('Endpoints'));
    expect(kinds.lastIndexOf('ConfigMap')).toBeLessThan(kinds.indexOf('CronJob'));
    expect(kinds.slice(kinds.indexOf('PrometheusRule'))).toStrictEqual(['PrometheusRule', 'Middleware', 'Middleware', 'Middleware']);
  });

  test('drops cdktf\'s "//" metadata and resolves every namespace reference', () => {
    const text = JSON.stringify(resources.map((r) => r.object));
    expect(json.resource.kubernetes_service_v1.Ttyd_56DB7F6D['//']).toBeDefined();
    expect(text.includes('"//"')).toBe(false);
    expect(text.includes('kubernetes_namespace_v1.')).toBe(false);
    const reference = '${kubernetes_namespace_v1.Namespace.metadata[0].name}';
    const inNamespace = resources.filter((r) => {
      const [type, name] = r.address.split('.');
      const config = json.resource[type][name];
      return (config.metadata ?? config.manifest.metadata).namespace === reference;
    });
    expect(inNamespace.length).toBeGreaterThan(10);
    for (const r of inNamespace) expect([r.address, r.object.metadata.namespace]).toStrictEqual([r.address, 'terminal']);
    expect(resources.filter((r) => r.waitForRollout !== undefined)).toStrictEqual([]);
  });

  test("the ttyd Endpoints point at the external host, in the API's plural lists", () => {
    expect(objectOf(resources, 'Endpoints', 'terminal')).toStrictEqual({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'terminal', namespace: 'terminal', labels: { 'app.kubernetes.io/part-of': 'webterminal' } },
      subsets: [{ addresses: [{ ip: '192.0.2.10' }], ports: [{ name: 'http', port: 7681, protocol: 'TCP' }] }],
    });
  });

  test('a Service gets its int-or-string target port as a number, and the type and affinity the schema defaults to', () => {
    expect(objectOf(resources, 'Service', 'terminal').spec).toStrictEqual({
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 7681 }],
      sessionAffinity: 'None',
      type: 'ClusterIP',
    });
    expect(objectOf(resources, 'Service', 'traefik-replicas').spec).toStrictEqual({
      clusterIP: 'None',
      ports: [{ name: 'websecure', port: 8443, protocol: 'TCP', targetPort: 8443 }],
      selector: { 'app.kubernetes.io/name': 'traefik' },
      sessionAffinity: 'None',
      type: 'ClusterIP',
    });
  });

  test('the Ingress has rules, paths and TLS as networking/v1 names them, the middleware namespace filled in', () => {
    const ingress = objectOf(resources, 'Ingress', 'terminal');
    expect(ingress.apiVersion).toBe('networking.k8s.io/v1');
    expect(ingress.metadata.annotations['traefik.ingress.kubernetes.io/router.middlewares']).toBe(
      'terminal-terminal-client-headers@kubernetescrd,traefik-authentik-forward-auth@kubernetescrd',
    );
    expect(ingress.spec).toStrictEqual({
      ingressClassName: 'traefik',
      rules: [
        {
          host: 'terminal.example.com',
          http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'terminal', port: { number: 80 } } } }] },
        },
      ],
      tls: [{ hosts: ['terminal.example.com'], secretName: 'terminal-tls' }],
    });
    expect(objectOf(resources, 'Ingress', 'terminal-clipboard').spec.rules[0].http.paths[0].backend.service.port.number).toBe(80);
  });

  test("the CronJob's container: env with the namespace resolved, the provider's defaults and zero-value pointers", () => {
    const [container] = pod.containers;
    const env = Object.fromEntries(container.env.map((e) => [e.name, e.value]));
    expect(env.PROBE_ORIGIN_URL).toBe('http://terminal.terminal.svc.cluster.local');
    expect(env.PROBE_REPLICAS).toBe('traefik-replicas.traefik.svc.cluster.local');
    expect(container.env.every((e) => Object.keys(e).join() === 'name,value')).toBe(true);
    expect(container.command).toStrictEqual(['node', '--max-semi-space-size=2', '/probe/probe-script.mjs']);
    expect(container.terminationMessagePath).toBe('/dev/termination-log');
    expect(container.volumeMounts).toStrictEqual([{ mountPath: '/probe', name: 'script', readOnly: true, mountPropagation: 'None' }]);
    // expandContainerSecurityContext sends run_as_non_root even when the block leaves it out: the SDK
    // reads every field of a block, zero values included, and Pod Security "restricted" refuses a
    // container that sets runAsNonRoot=false, whatever the pod says. So the library sets it on both.
    expect(container.securityContext).toStrictEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
    });
  });

  test("the CronJob's pod: string ids as integers, the ConfigMap volume's octal mode, the pod spec's defaults", () => {
    expect(pod.securityContext).toStrictEqual({ runAsGroup: 1000, runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.volumes).toStrictEqual([{ name: 'script', configMap: { name: 'webterminal-probe', defaultMode: 0o444, optional: false } }]);
    expect(pod).toStrictEqual(
      expect.objectContaining({
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        restartPolicy: 'Never',
        dnsPolicy: 'ClusterFirst',
        shareProcessNamespace: false,
        terminationGracePeriodSeconds: 30,
      }),
    );
    expect(pod.serviceAccountName).toBeUndefined();
  });

  test('the CronJob and its Job: ttl as an integer, the history limits, and the Job defaults the provider sends', () => {
    const { jobTemplate, ...cron } = fieldsOf(cronJob.spec);
    expect(cronJob.apiVersion).toBe('batch/v1');
    expect(cron).toStrictEqual({
      concurrencyPolicy: 'Forbid',
      failedJobsHistoryLimit: 3,
      schedule: '*/5 * * * *',
      startingDeadlineSeconds: 60,
      successfulJobsHistoryLimit: 1,
      suspend: false,
    });
    const { template, ...job } = fieldsOf(jobTemplate.spec);
    expect(job).toStrictEqual({
      activeDeadlineSeconds: 100,
      backoffLimit: 0,
      completions: 1,
      manualSelector: false,
      parallelism: 1,
      ttlSecondsAfterFinished: 21600,
    });
    expect(jobTemplate.metadata.labels['app.kubernetes.io/component']).toBe('probe');
    expect(Object.keys(template.metadata.annotations)).toStrictEqual(['webterminal.dev/probe-script-sha256']);
  });

  test("the probe's ConfigMap carries the script's bytes, Terraform's escapes undone", () => {
    const configMap = objectOf(resources, 'ConfigMap', 'webterminal-probe');
    const raw = json.resource.kubernetes_config_map_v1.Probe_Script_129EE375.data['probe-script.mjs'];
    expect(raw).toContain('$${');
    expect(configMap.data).toStrictEqual(probeFiles());
    expect(configMap.data['probe-script.mjs']).toBe(terraformLiteral(raw));
    expect(configMap.immutable).toBe(false);
  });

  test('kubernetes_manifest objects are passed on as written, references resolved', () => {
    const middleware = objectOf(resources, 'Middleware', 'terminal-client-headers');
    const config = json.resource.kubernetes_manifest.Ingress_ClientHeaders_206FB72D.manifest;
    expect(middleware).toStrictEqual({ ...fieldsOf(config), metadata: { ...fieldsOf(config.metadata), namespace: 'terminal' } });
  });
});

describe('provider stand-in: ttyd in the cluster', () => {
  const { json } = stackOf({ ttyd: TtydBackend.inCluster(), routes: [{ path: '/clipboard/', service: { name: 'clipboard', port: 8080 } }] });
  const resources = objectsOf(json);

  test('the Deployment: replicas and ids as integers, the probe port as a number, the schema defaults', () => {
    const [address] = Object.keys(json.resource.kubernetes_deployment_v1);
    const deployment = objectOf(resources, 'Deployment', 'terminal');
    expect(resources.find((r) => r.object.kind === 'Deployment')).toStrictEqual(
      expect.objectContaining({ address: `kubernetes_deployment_v1.${address}`, waitForRollout: true }),
    );
    expect(deployment.apiVersion).toBe('apps/v1');
    const { template, ...spec } = fieldsOf(deployment.spec);
    expect(spec).toStrictEqual({
      replicas: 1,
      selector: { matchLabels: { 'app.kubernetes.io/instance': 'terminal', 'app.kubernetes.io/name': 'ttyd' } },
      progressDeadlineSeconds: 600,
      revisionHistoryLimit: 10,
    });
    expect(template.spec.securityContext).toStrictEqual({
      fsGroup: 1000,
      runAsGroup: 1000,
      runAsNonRoot: true,
      runAsUser: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(template.spec.restartPolicy).toBe('Always');
    expect(template.spec.volumes).toStrictEqual([
      { name: 'home', emptyDir: {} },
      { name: 'tmp', emptyDir: {} },
    ]);
    const [container] = template.spec.containers;
    expect(container.ports).toStrictEqual([{ containerPort: 7681, name: 'http', protocol: 'TCP' }]);
    expect(container.readinessProbe).toStrictEqual({
      httpGet: { httpHeaders: [{ name: 'X-authentik-username', value: 'kubelet-readiness' }], path: '/token', port: 7681, scheme: 'HTTP' },
      periodSeconds: 10,
      timeoutSeconds: 2,
      failureThreshold: 3,
      successThreshold: 1,
    });
    expect(container.securityContext.runAsNonRoot).toBe(true); // see the CronJob's container above
    expect(JSON.stringify(deployment)).not.toContain('wait');
  });

  test('wait_for_rollout is reported, not put into the Deployment', () => {
    const [address] = Object.keys(json.resource.kubernetes_deployment_v1);
    const config = { ...fieldsOf(json.resource.kubernetes_deployment_v1[address]), wait_for_rollout: false };
    const changed = objectsOf(withResource(json, 'kubernetes_deployment_v1', address, config));
    const deployment = defined(changed.find((r) => r.object.kind === 'Deployment'));
    expect(deployment.waitForRollout).toBe(false);
    expect(deployment.object).toStrictEqual(objectOf(resources, 'Deployment', 'terminal'));
  });

  test('the NetworkPolicy: selectors and ports as networking/v1 names them', () => {
    const policy = objectOf(resources, 'NetworkPolicy', 'terminal');
    expect(policy.metadata.namespace).toBe('terminal');
    expect(policy.spec).toStrictEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'terminal', 'app.kubernetes.io/name': 'ttyd' } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } },
              podSelector: { matchLabels: { 'app.kubernetes.io/name': 'traefik' } },
            },
          ],
          ports: [{ port: 7681, protocol: 'TCP' }],
        },
        {
          from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/component': 'probe', 'app.kubernetes.io/part-of': 'webterminal' } } }],
          ports: [{ port: 7681, protocol: 'TCP' }],
        },
      ],
    });
    expect(resources.map((r) => r.object.kind)).not.toContain('Endpoints');
  });
});

describe('provider stand-in: the probe with remediation, alerts as PrometheusRule and as ConfigMap', () => {
  const { stack, json } = stackOf({
    probe: { createReplicaService: true, remediation: { mode: 'on' } },
    alerts: { prometheusRule: true, configMap: true },
  });
  const resources = objectsOf(json);
  const kinds = resources.map((r) => r.object.kind);

  test('the ServiceAccount, before the CronJob that runs as it', () => {
    expect(objectOf(resources, 'ServiceAccount', 'webterminal-probe')).toStrictEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      automountServiceAccountToken: false,
      metadata: {
        name: 'webterminal-probe',
        namespace: 'terminal',
        labels: { 'app.kubernetes.io/component': 'probe', 'app.kubernetes.io/part-of': 'webterminal' },
      },
    });
    const pod = objectOf(resources, 'CronJob', 'webterminal-probe').spec.jobTemplate.spec.template.spec;
    expect(pod.serviceAccountName).toBe('webterminal-probe');
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(kinds.indexOf('ServiceAccount')).toBeLessThan(kinds.indexOf('CronJob'));
  });

  test("the Role's rules, each string set in the order the SDK's Set.List gives", () => {
    const role = objectOf(resources, 'Role', 'webterminal-probe');
    expect(role.apiVersion).toBe('rbac.authorization.k8s.io/v1');
    expect(role.metadata.namespace).toBe('traefik');
    // crc32("list") = 1154021400 sorts before crc32("get") = 4248514160 as text
    expect(role.rules).toStrictEqual([
      { apiGroups: [''], resources: ['pods'], verbs: ['list', 'get'] },
      { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] },
    ]);
  });

  test('the RoleBinding names the Role and the ServiceAccount in the terminal namespace', () => {
    expect(objectOf(resources, 'RoleBinding', 'webterminal-probe')).toStrictEqual(
      expect.objectContaining({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'webterminal-probe' },
        subjects: [{ kind: 'ServiceAccount', name: 'webterminal-probe', namespace: 'terminal' }],
      }),
    );
    expect(kinds.indexOf('Role')).toBeLessThan(kinds.indexOf('RoleBinding'));
  });

  test('the rules arrive both as a PrometheusRule and as a ConfigMap holding the rule file', () => {
    const rule = objectOf(resources, 'PrometheusRule', 'webterminal');
    const manifest = defined(Object.values(json.resource.kubernetes_manifest).find((m) => m.manifest.kind === 'PrometheusRule')).manifest;
    expect(JSON.stringify(manifest)).toContain('%%{');
    expect(rule).toStrictEqual(JSON.parse(terraformLiteral(JSON.stringify(manifest))));
    expect(rule.spec.groups.map((g) => g.name)).toContain('Webterminal Remediation');
    const configMap = objectOf(resources, 'ConfigMap', 'webterminal-rules');
    expect(configMap.metadata).toStrictEqual({ name: 'webterminal-rules', namespace: 'monitoring', labels: { release: 'prometheus' } });
    expect(configMap.data).toStrictEqual({ 'webterminal.rules.yaml': defined(stack.prometheusRules).ruleFileYaml });
  });
});

describe('provider stand-in: the original setup (mirror, DNS, adopt) as the app writes it', () => {
  const json = appStack({ TERMINAL_CONFIG: JSON.stringify(ORIGINAL_SETUP) });
  const resources = objectsOf(json);

  test('the mirror gets its Ingress, Service and Endpoints; the DNS records are left to Cloudflare', () => {
    expect(skipped(json).sort()).toStrictEqual(
      Object.keys(json.resource.cloudflare_dns_record)
        .map((n) => `cloudflare_dns_record.${n}`)
        .sort(),
    );
    const ingress = objectOf(resources, 'Ingress', 'terminal-ro');
    expect(ingress.metadata.annotations['gethomepage.dev/name']).toBe('Terminal');
    expect(ingress.spec.rules).toStrictEqual([
      {
        host: 'terminal-ro.example.org',
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'terminal-ro', port: { number: 80 } } } }] },
      },
    ]);
    expect(ingress.spec.tls).toStrictEqual([{ hosts: ['terminal-ro.example.org'], secretName: 'terminal-ro-tls' }]);
    expect(objectOf(resources, 'Service', 'terminal-ro').spec.ports).toStrictEqual([{ name: 'http', port: 80, protocol: 'TCP', targetPort: 7682 }]);
    expect(objectOf(resources, 'Endpoints', 'terminal-ro').subsets).toStrictEqual([
      { addresses: [{ ip: '10.0.10.10' }], ports: [{ name: 'http', port: 7682, protocol: 'TCP' }] },
    ]);
  });

  test("the namespace's lifecycle block stays with Terraform", () => {
    expect(json.resource.kubernetes_namespace_v1.Namespace.lifecycle).toBeDefined();
    expect(Object.keys(objectOf(resources, 'Namespace', 'terminal'))).toStrictEqual(['apiVersion', 'kind', 'metadata']);
  });
});

describe('provider stand-in: the ingress kinds', () => {
  test('ingressKind IngressRoute: a Traefik IngressRoute, no Ingress, the middleware namespaces filled in', () => {
    const resources = objectsOf(stackOf({ ingressKind: 'IngressRoute' }).json);
    expect(resources.map((r) => r.object.kind)).not.toContain('Ingress');
    const route = objectOf(resources, 'IngressRoute', 'terminal');
    expect(route.apiVersion).toBe('traefik.io/v1alpha1');
    expect(route.metadata.namespace).toBe('terminal');
    expect(route.spec.routes[0]).toStrictEqual({
      kind: 'Rule',
      match: 'Host(`terminal.example.com`)',
      priority: 1,
      middlewares: [
        { name: 'terminal-client-headers', namespace: 'terminal' },
        { name: 'authentik-forward-auth', namespace: 'traefik' },
      ],
      services: [{ name: 'terminal', port: 80 }],
    });
  });

  test('ingressKind Ingress (the default): networking/v1 Ingresses and no IngressRoute', () => {
    const resources = objectsOf(stackOf({ ingressKind: 'Ingress' }).json);
    expect(
      resources
        .filter((r) => r.object.kind === 'Ingress')
        .map((r) => r.object.metadata.name)
        .sort(),
    ).toStrictEqual(['terminal', 'terminal-api-sessions', 'terminal-clipboard']);
    expect(resources.map((r) => r.object.kind)).not.toContain('IngressRoute');
  });
});

describe('provider stand-in: what it refuses', () => {
  const { json } = stackOf();
  const address = Object.keys(json.resource.kubernetes_service_v1).find((n) => json.resource.kubernetes_service_v1[n].metadata.name === 'terminal');
  const service = json.resource.kubernetes_service_v1[defined(address)];
  const changed = (metadata: Record<string, unknown>) =>
    withResource(json, 'kubernetes_service_v1', defined(address), { ...fieldsOf(service), metadata: { ...fieldsOf(service.metadata), ...metadata } });

  test('a resource type it does not know, by name', () => {
    const unknown = withResource(json, 'kubernetes_secret_v1', 'Token', { metadata: { name: 'token' } });
    expect(() => objectsOf(unknown)).toThrow('provider-stand-in: resource type kubernetes_secret_v1 is not one the stand-in knows');
  });

  test('a reference to a resource that is not there, or to what its configuration does not set', () => {
    const missing = '${kubernetes_namespace_v1.Other.metadata[0].name}';
    expect(() => objectsOf(changed({ namespace: missing }))).toThrow(
      `provider-stand-in: kubernetes_service_v1.${address}: cannot resolve ${missing}: there is no resource kubernetes_namespace_v1.Other`,
    );
    const computed = 'x-${kubernetes_namespace_v1.Namespace.metadata[0].uid}';
    expect(() => objectsOf(changed({ name: computed }))).toThrow(
      `kubernetes_service_v1.${address}: cannot resolve \${kubernetes_namespace_v1.Namespace.metadata[0].uid}: ` +
        'kubernetes_namespace_v1.Namespace does not configure it',
    );
  });

  test('any other template expression: a function call, a directive, a variable', () => {
    for (const expression of ['${lower("TERMINAL")}', '%{ if true }x%{ endif }', '${var.namespace}']) {
      expect(() => objectsOf(changed({ name: expression }))).toThrow(`provider-stand-in: kubernetes_service_v1.${address}: `);
    }
    expect(() => objectsOf(changed({ name: '${lower("TERMINAL")}' }))).toThrow(
      '${lower("TERMINAL")} is a template expression the stand-in does not evaluate',
    );
    expect(() => objectsOf(changed({ name: '%{ if true }x%{ endif }' }))).toThrow('%{ if true } is a template expression');
    expect(objectOf(objectsOf(changed({ name: 'a-$${b}-%%{c}' })), 'Service', 'a-${b}-%{c}').kind).toBe('Service');
  });

  test('a field the stand-in does not model, by its path', () => {
    const spec = { ...fieldsOf(service.spec), load_balancer_class: 'example.com/lb' };
    expect(() => objectsOf(withResource(json, 'kubernetes_service_v1', defined(address), { ...fieldsOf(service), spec }))).toThrow(
      `provider-stand-in: kubernetes_service_v1.${address}.spec.load_balancer_class is not a field the stand-in models`,
    );
  });
});
