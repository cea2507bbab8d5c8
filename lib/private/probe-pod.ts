import contract from '../probe/contract.json';
import { PROBE_MEMORY_MIB } from './defaults';
import { restrictedContainerSecurity } from './pod-security';
import { PROBE_NODE_FLAGS, PROBE_SCRIPT_FILE } from './probe-files';
import type { ResolvedProbeProps } from './probe-props';
import { literalUnlessToken } from './templates';

/** The probe's variables, named by the contract the script reads them by. */
const ENV = contract.env;

/** The script's environment (the Pushgateway credentials come from a Secret, in `probePodSpec`). */
export function probeEnvironment(r: ResolvedProbeProps, originTlsDir: string): Record<string, string> {
  return {
    [ENV.edgeUrl]: r.edgeUrl,
    [ENV.originUrl]: r.originUrl,
    [ENV.pushgatewayUrl]: r.pushgatewayUrl,
    [ENV.job]: r.job,
    [ENV.replicas]: r.replicas,
    [ENV.replicaPort]: String(r.replicaPort),
    [ENV.maxReplicas]: String(r.maxReplicas),
    [ENV.samples]: String(r.samples),
    [ENV.timeoutSeconds]: String(r.timeoutSeconds),
    [ENV.deadlineSeconds]: String(r.deadlineSeconds),
    [ENV.authHeader]: r.authHeader,
    [ENV.authUser]: r.authUser,
    [ENV.insecureTls]: r.insecureTls ? '1' : '0',
    [ENV.routerInventory]: r.routerInventory ? '1' : '0',
    ...(r.routerInventory && r.ownRouters !== undefined && r.ttydRouters !== undefined
      ? { [ENV.ownRouters]: r.ownRouters.join(','), [ENV.ttydRouters]: r.ttydRouters.join(',') }
      : {}),
    ...(r.routes.length > 0 ? { [ENV.routes]: JSON.stringify(r.routes) } : {}),
    [ENV.traefikApiPort]: String(r.apiPort),
    ...(r.originTls !== undefined
      ? {
          [ENV.originClientCertFile]: `${originTlsDir}/tls.crt`,
          [ENV.originClientKeyFile]: `${originTlsDir}/tls.key`,
          [ENV.originCaFile]: `${originTlsDir}/ca.crt`,
        }
      : {}),
    ...(r.authentikHost !== undefined ? { [ENV.authentikHost]: r.authentikHost } : {}),
    ...(r.remediating
      ? {
          [ENV.remediate]: r.remediationMode,
          [ENV.remediateAfterRuns]: String(r.remediationAfterRuns),
          [ENV.remediateMinIntervalSeconds]: String(r.remediationMinIntervalSeconds),
          [ENV.remediateLease]: `${r.namespace}/${r.name}`,
          [ENV.replicaNamespace]: r.replicaServiceNamespace,
          [ENV.replicaSelector]: Object.entries(r.replicaServiceSelector)
            .map(([key, value]) => `${key}=${value}`)
            .join(','),
        }
      : {}),
    ...(r.mirrorEdgeUrl !== undefined ? { [ENV.mirrorEdgeUrl]: r.mirrorEdgeUrl } : {}),
    ...(r.mirrorOriginUrl !== undefined ? { [ENV.mirrorOriginUrl]: r.mirrorOriginUrl } : {}),
  };
}

/** The probe pod: one read-only, non-root container running the script from the ConfigMap. */
export function probePodSpec(
  r: ResolvedProbeProps,
  environment: Readonly<Record<string, string>>,
  configMapName: string,
  serviceAccountName: string | undefined,
  originTlsDir: string,
) {
  const credentials = r.credentials;
  return {
    restartPolicy: 'Never',
    // The API token is in the pod only when remediation needs it.
    ...(serviceAccountName !== undefined ? { serviceAccountName } : {}),
    automountServiceAccountToken: r.remediating,
    enableServiceLinks: false,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: String(r.runAsUser),
      runAsGroup: String(r.runAsUser),
      seccompProfile: { type: 'RuntimeDefault' },
    },
    container: [
      {
        name: 'probe',
        image: r.image,
        command: ['node', ...PROBE_NODE_FLAGS, `/probe/${PROBE_SCRIPT_FILE}`],
        env: [
          ...Object.entries(environment).map(([name, value]) => ({ name, value: literalUnlessToken(value) })),
          ...(credentials === undefined
            ? []
            : [
                {
                  name: ENV.pushgatewayUsername,
                  valueFrom: { secretKeyRef: { name: credentials.name, key: credentials.usernameKey ?? 'username' } },
                },
                {
                  name: ENV.pushgatewayPassword,
                  valueFrom: { secretKeyRef: { name: credentials.name, key: credentials.passwordKey ?? 'password' } },
                },
              ]),
        ],
        // Measured peak RSS of a run: 52 MiB (healthy, 3 replicas, inventory on) and 52 MiB
        // against a black hole; an empty node process is 40 MiB (bench/probe.ts, node 20).
        // The request covers the peak; the limit leaves room for musl and slow networks.
        // The probe writes nothing (read-only root); the ephemeral-storage limit bounds its logs.
        resources: {
          requests: { cpu: '50m', memory: `${PROBE_MEMORY_MIB.request}Mi`, 'ephemeral-storage': '16Mi' },
          limits: { cpu: '500m', memory: `${PROBE_MEMORY_MIB.limit}Mi`, 'ephemeral-storage': '64Mi' },
        },
        securityContext: restrictedContainerSecurity(),
        volumeMount: [
          { name: 'script', mountPath: '/probe', readOnly: true },
          ...(r.originTls !== undefined ? [{ name: 'origin-tls', mountPath: originTlsDir, readOnly: true }] : []),
        ],
      },
    ],
    volume: [
      { name: 'script', configMap: { name: configMapName, defaultMode: '0444' } },
      // Files are owned by root; 0444 lets the probe's non-root user read them (it is the pod's only user).
      ...(r.originTls !== undefined ? [{ name: 'origin-tls', secret: { secretName: r.originTls, defaultMode: '0444' } }] : []),
    ],
  };
}
