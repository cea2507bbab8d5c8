#!/usr/bin/env bash
# Makes sure the real programs the tests start are installed: promtool, prometheus, prometheus-pushgateway,
# nginx, dnsmasq, openssl, PostgreSQL 15, ip and unshare (the cluster tier's test hosts); and GNU time
# (peak RSS in `npm run bench`). The Go-built programs come from tools/build.sh. Installs the Debian packages
# when it can (root, or passwordless sudo); otherwise fails and says how. Runs before the test suite (`npm test`).
set -euo pipefail

packages=(prometheus prometheus-pushgateway nginx-light dnsmasq-base openssl time postgresql-15 iproute2 util-linux)
# by path: `time` alone is also a shell keyword, and PostgreSQL's server programs are not on PATH
declare -A provides=([promtool]=prometheus [prometheus]=prometheus [prometheus-pushgateway]=prometheus-pushgateway [nginx]=nginx-light [dnsmasq]=dnsmasq-base [openssl]=openssl [/usr/bin/time]=time [/usr/lib/postgresql/15/bin/postgres]=postgresql-15 [ip]=iproute2 [unshare]=util-linux [runuser]=util-linux)

missing=()
for tool in "${!provides[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || missing+=("$tool")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "ensure-packages: missing ${missing[*]}; installing ${packages[*]}" >&2
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-packages: no apt-get here. Install promtool (Prometheus 2.x), prometheus-pushgateway, nginx (with auth_request and ssl), dnsmasq, openssl, PostgreSQL 15, iproute2, util-linux and GNU time, then run the tests again." >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "ensure-packages: need root to install them. Run: sudo apt-get install -y --no-install-recommends ${packages[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
# The packages' own services are not wanted: the tests start each program themselves on loopback.
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
for tool in "${!provides[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || { echo "ensure-packages: $tool still missing after install" >&2; exit 1; }
done
echo "ensure-packages: installed" >&2
