/**
 * The original setup as the tests know it (`fixtures/original-setup.json`), the mirror-and-DNS
 * configuration over the built-in example, and a `TerminalStack` synthesized from either.
 */
import * as fs from 'fs';
import * as path from 'path';
import { TerminalStack, TerminalStackProps } from '../../lib';
import { Testing } from '../../lib/private/cdktf';
import { configProps } from './config-props';
import type { JsonNode } from './synth';

export const ROOT = path.resolve(__dirname, '..', '..');
export const ORIGINAL = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'original-setup.json'), 'utf8')) as {
  config: Record<string, unknown>;
  originalObjects: { kind: string; apiVersion?: string; namespace?: string; name: string; zoneId?: string; recordId?: string }[];
};

/** A configuration with a mirror, annotations, DNS and ignored labels, over the built-in example. */
export const MIRROR_JSON = {
  mirror: { host: 'terminal-ro.example.org', hostPort: 7682 },
  annotations: { 'gethomepage.dev/enabled': 'true', 'gethomepage.dev/name': 'Terminal' },
  dns: { provider: 'cloudflare', zoneId: '0123456789abcdef0123456789abcdef', mode: 'proxied', tunnelId: '6ff42ae2-765d-4adf-8112-31c55c1551ef' },
  namespaceIgnoredLabels: ['goldilocks.fairwinds.com/vpa-update-mode'],
};

export function stackOf(props: Partial<TerminalStackProps> = {}): TerminalStack {
  return new TerminalStack(Testing.app(), 'terminal', { ...configProps(), ...props });
}

export type Json = Record<string, JsonNode>;

export function synthStack(props: Partial<TerminalStackProps> = {}): Json {
  return JSON.parse(Testing.synth(stackOf(props))) as Json;
}

export function resourceKeys(json: Json): string[] {
  return Object.entries(json.resource as Json)
    .flatMap(([type, byId]) => Object.keys(byId as Json).map((id) => `${type}.${id}`))
    .sort();
}

/** The Terraform addresses of the example configuration before the mirror existed: adopt and upgrades rely on them. */
export const EXAMPLE_ADDRESSES = [
  'kubernetes_config_map_v1.Dashboard_9E4231ED',
  'kubernetes_config_map_v1.Probe_Script_129EE375',
  'kubernetes_cron_job_v1.Probe_B22986FB',
  'kubernetes_endpoints_v1.Route-api-sessions_Endpoints_60028BD2',
  'kubernetes_endpoints_v1.Route-clipboard_Endpoints_F7C4E022',
  'kubernetes_endpoints_v1.Ttyd_Endpoints_D2672252',
  'kubernetes_ingress_v1.Ingress_0D3F461F',
  'kubernetes_ingress_v1.Ingress_Route-api-sessions_09502384',
  'kubernetes_ingress_v1.Ingress_Route-clipboard_8B8FF89A',
  'kubernetes_manifest.Alerts_91F83244',
  'kubernetes_manifest.Ingress_ClientHeaders_206FB72D',
  'kubernetes_manifest.Ingress_Strip-api-sessions_26916EA0',
  'kubernetes_manifest.Ingress_Strip-clipboard_DD3622E3',
  'kubernetes_namespace_v1.Namespace',
  'kubernetes_service_v1.Probe_Replicas_9CD93F0D',
  'kubernetes_service_v1.Route-api-sessions_40752B6E',
  'kubernetes_service_v1.Route-clipboard_51F6D7ED',
  'kubernetes_service_v1.Ttyd_56DB7F6D',
];
