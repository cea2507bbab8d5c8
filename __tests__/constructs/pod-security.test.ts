import type { JsonNode } from '../support/synth';
import { Testing } from '../../lib/private/cdktf';
import { POD_SECURITY_LABELS, TerminalStack, TerminalStackProps, TtydBackend } from '../../lib';
import { EXAMPLE_PROPS } from '../support/example-props';

/**
 * The Pod Security Standards' "restricted" profile, control by control, on a synthesized pod spec
 * (the provider's snake_case). https://kubernetes.io/docs/concepts/security/pod-security-standards/
 * Returns one line per violated control; an empty list means the pod is admitted.
 */

/** The fields of a synthesized pod spec the profile's controls read. */
interface PodSpec {
  readonly host_network?: boolean;
  readonly host_pid?: boolean;
  readonly host_ipc?: boolean;
  readonly security_context?: SecurityContext;
  readonly volume?: readonly Volume[];
  readonly container?: readonly Container[];
  readonly init_container?: readonly Container[];
}

interface Container {
  readonly name: string;
  readonly port?: readonly { readonly container_port?: number; readonly host_port?: number }[];
  readonly security_context?: SecurityContext;
}

interface Volume {
  readonly name: string;
  readonly [type: string]: unknown;
}

interface SeLinuxOptions {
  readonly user?: string;
  readonly role?: string;
  readonly type?: string;
}

interface SecurityContext {
  readonly windows_options?: { readonly host_process?: boolean };
  readonly privileged?: boolean;
  readonly proc_mount?: string;
  readonly se_linux_options?: SeLinuxOptions;
  readonly sysctl?: readonly { readonly name: string; readonly value: string }[];
  readonly allow_privilege_escalation?: boolean;
  readonly run_as_non_root?: boolean;
  readonly run_as_user?: string | number;
  readonly seccomp_profile?: { readonly type?: string };
  readonly capabilities?: { readonly drop?: readonly string[]; readonly add?: readonly string[] };
}

const RESTRICTED_VOLUME_TYPES = ['config_map', 'csi', 'downward_api', 'empty_dir', 'ephemeral', 'persistent_volume_claim', 'projected', 'secret'];
const SAFE_SYSCTLS = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
];

function restrictedViolations(pod: PodSpec): string[] {
  const out: string[] = [];
  const psc: SecurityContext = pod.security_context ?? {};
  const containers: Container[] = [...(pod.container ?? []), ...(pod.init_container ?? [])];
  const sc = (c: Container): SecurityContext => c.security_context ?? {};
  const each = (control: string, ok: (c: Container) => boolean): void => {
    for (const c of containers) if (!ok(c)) out.push(`${control}: container ${c.name}`);
  };

  // Baseline controls (restricted includes them).
  if (psc.windows_options?.host_process === true) out.push('HostProcess: pod');
  each('HostProcess', (c) => sc(c).windows_options?.host_process !== true);
  for (const key of ['host_network', 'host_pid', 'host_ipc'] as const) if (pod[key] === true) out.push(`Host namespaces: ${key}`);
  each('Privileged', (c) => sc(c).privileged !== true);
  for (const v of pod.volume ?? []) if (v.host_path !== undefined) out.push(`HostPath volumes: ${v.name}`);
  each('Host ports', (c) => (c.port ?? []).every((p) => p.host_port === undefined || p.host_port === 0));
  each('/proc mount', (c) => sc(c).proc_mount === undefined || sc(c).proc_mount === 'Default');
  const seLinuxOk = (o: SeLinuxOptions | undefined): boolean =>
    o === undefined ||
    (o.user === undefined &&
      o.role === undefined &&
      [undefined, '', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'].includes(o.type));
  if (!seLinuxOk(psc.se_linux_options)) out.push('SELinux: pod');
  each('SELinux', (c) => seLinuxOk(sc(c).se_linux_options));
  for (const s of psc.sysctl ?? []) if (!SAFE_SYSCTLS.includes(s.name)) out.push(`Sysctls: ${s.name}`);
  // Restricted controls.
  for (const v of pod.volume ?? []) {
    const types = Object.keys(v).filter((k) => k !== 'name');
    if (!types.every((t) => RESTRICTED_VOLUME_TYPES.includes(t))) out.push(`Volume types: ${v.name} (${types.join(', ')})`);
  }
  each('Privilege escalation', (c) => sc(c).allow_privilege_escalation === false);
  each('Running as non-root', (c) => (sc(c).run_as_non_root ?? psc.run_as_non_root) === true);
  if (psc.run_as_user === '0' || psc.run_as_user === 0) out.push('Running as non-root user: pod');
  each('Running as non-root user', (c) => sc(c).run_as_user === undefined || Number(sc(c).run_as_user) !== 0);
  each('Seccomp', (c) => ['RuntimeDefault', 'Localhost'].includes(sc(c).seccomp_profile?.type ?? psc.seccomp_profile?.type ?? ''));
  each('Capabilities: drop ALL', (c) => (sc(c).capabilities?.drop ?? []).includes('ALL'));
  each('Capabilities: add only NET_BIND_SERVICE', (c) => (sc(c).capabilities?.add ?? []).every((a) => a === 'NET_BIND_SERVICE'));
  return out;
}

function podsOf(props: Partial<TerminalStackProps>): Record<string, PodSpec> {
  const stack = new TerminalStack(Testing.app(), 'terminal', { ...EXAMPLE_PROPS, ...props });
  const res = (JSON.parse(Testing.synth(stack)) as JsonNode).resource;
  const pods: Record<string, PodSpec> = {};
  for (const d of Object.values(res.kubernetes_deployment_v1 ?? {}))
    pods[`Deployment ${d.metadata.name}`] = d.spec.template.spec as unknown as PodSpec;
  for (const c of Object.values(res.kubernetes_cron_job_v1 ?? {}))
    pods[`CronJob ${c.metadata.name}`] = c.spec.job_template.spec.template.spec as unknown as PodSpec;
  return pods;
}

describe('Pod Security "restricted"', () => {
  test('the namespace carries enforce, warn and audit at restricted', () => {
    expect(POD_SECURITY_LABELS).toStrictEqual({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
    });
  });

  test('the ttyd Deployment and the probe CronJob pod meet every control', () => {
    const pods = podsOf({ ttyd: TtydBackend.inCluster(), routes: [] });
    expect(Object.keys(pods).sort()).toStrictEqual(['CronJob webterminal-probe', 'Deployment terminal']);
    for (const [name, pod] of Object.entries(pods)) expect({ name, violations: restrictedViolations(pod) }).toStrictEqual({ name, violations: [] });
  });

  test('the probe pod with the mutual-TLS Secret mounted meets every control', () => {
    const pods = podsOf({ ttyd: TtydBackend.externalHost({ address: '10.0.10.10', mutualTls: { clientCertSecret: 'ttyd-client' } }) });
    const probe = pods['CronJob webterminal-probe'];
    expect((probe.volume ?? []).map((v) => v.name)).toContain('origin-tls');
    expect(restrictedViolations(probe)).toStrictEqual([]);
  });

  test('the checker catches each control it checks (so a pass means something)', () => {
    const bad: PodSpec = {
      host_network: true,
      host_pid: true,
      security_context: { run_as_user: '0', sysctl: [{ name: 'kernel.msgmax', value: '1' }] },
      volume: [{ name: 'host', host_path: { path: '/' } }],
      container: [
        {
          name: 'bad',
          port: [{ container_port: 80, host_port: 80 }],
          security_context: {
            privileged: true,
            allow_privilege_escalation: true,
            proc_mount: 'Unmasked',
            capabilities: { add: ['SYS_ADMIN'] },
            seccomp_profile: { type: 'Unconfined' },
          },
        },
      ],
    };
    expect(restrictedViolations(bad).sort()).toStrictEqual(
      [
        'Host namespaces: host_network',
        'Host namespaces: host_pid',
        'Privileged: container bad',
        'HostPath volumes: host',
        'Host ports: container bad',
        '/proc mount: container bad',
        'Sysctls: kernel.msgmax',
        'Volume types: host (host_path)',
        'Privilege escalation: container bad',
        'Running as non-root: container bad',
        'Running as non-root user: pod',
        'Seccomp: container bad',
        'Capabilities: drop ALL: container bad',
        'Capabilities: add only NET_BIND_SERVICE: container bad',
      ].sort(),
    );
  });
});
