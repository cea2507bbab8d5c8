/**
 * The probe as its CronJob runs it, read back from the API server: the files of the ConfigMap its
 * command's entry lives in (the exact bytes the pod mounts), the command's Node flags, and the
 * container's environment. Runs start the probe's Node from the tool cache with that environment and
 * the caller's overrides (what the test's machine has instead of a pod: DNS servers, a CA, a token).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeClient, KubeObject } from './kube-client';
import { tools } from './tools';

export interface ProbeRunResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
}

export interface ClusterProbe {
  /** The container's environment, as the CronJob sets it (literal values only). */
  readonly env: Readonly<Record<string, string>>;
  readonly serviceAccountName: string | undefined;
  run(overrides: Readonly<Record<string, string>>): Promise<ProbeRunResult>;
}

interface PodSpec {
  containers: { command?: string[]; env?: { name: string; value?: string }[]; volumeMounts?: { name: string; mountPath: string }[] }[];
  volumes?: { name: string; configMap?: { name: string } }[];
  serviceAccountName?: string;
}

/** The probe of the one CronJob in `namespace`, its ConfigMap's files written to `dir`. */
export async function probeFromCluster(admin: KubeClient, namespace: string, dir: string): Promise<ClusterProbe> {
  const [cronJob] = await admin.list('batch/v1', 'CronJob', namespace);
  if (cronJob === undefined) throw new Error(`no CronJob in ${namespace}`);
  const pod = (cronJob.spec as { jobTemplate: { spec: { template: { spec: PodSpec } } } }).jobTemplate.spec.template.spec;
  const container = pod.containers[0];
  // The CronJob's command: node, its flags, then the entry in the ConfigMap's volume.
  const [, ...nodeFlags] = container.command ?? [];
  const entry = nodeFlags.pop() ?? '';
  const mount = container.volumeMounts?.find((m) => entry.startsWith(`${m.mountPath}/`));
  const volume = pod.volumes?.find((v) => v.name === mount?.name);
  const configMapName = volume?.configMap?.name;
  if (mount === undefined || configMapName === undefined) throw new Error('the probe command does not run a file of a ConfigMap volume');
  const configMap = (await admin.get('v1', 'ConfigMap', namespace, configMapName)) as KubeObject & { data: Record<string, string> };
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(configMap.data)) writeFileSync(join(dir, file), text);
  const script = join(dir, entry.slice(mount.mountPath.length + 1));
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
  return {
    env,
    serviceAccountName: pod.serviceAccountName,
    run: (overrides) =>
      new Promise((resolve) => {
        const child = spawn(tools().probeNode.path, [...nodeFlags, script], {
          env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env, ...overrides },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
        child.on('close', (code) => resolve({ stdout, stderr, code }));
      }),
  };
}
