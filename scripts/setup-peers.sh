#!/usr/bin/env bash
# Makes rsyslog (+ rsyslog-openssl) and syslog-ng (+ loggen) available to the
# tests WITHOUT installing or starting the distribution's logging daemons:
# Debian's rsyslog and syslog-ng-core conflict as packages (both provide
# system-log-daemon) and would start a daemon on port 514. We apt-install
# their shared libraries, `apt-get download` the daemon packages and unpack
# them with dpkg-deb -x into $BENCH_PEERS_DIR (default
# /tmp/syslog-bench-peers, the same place ../shared/bench uses).
# Needs root for apt-get. Idempotent; quick when already done.
set -euo pipefail
dir=${BENCH_PEERS_DIR:-${TMPDIR:-/tmp}/syslog-bench-peers}
if [[ -x $dir/usr/sbin/rsyslogd && -x $dir/usr/sbin/syslog-ng && -x $dir/usr/bin/loggen ]]; then
  echo "setup-peers: rsyslog and syslog-ng already unpacked in $dir"
  exit 0
fi
pkgs=(rsyslog rsyslog-openssl syslog-ng-core)
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
deps=$(apt-cache depends --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces \
         --no-enhances "${pkgs[@]}" 2>/dev/null |
       awk '/^ *(PreDepends|Depends):/ { print $2 }' | tr -d '<>' | sort -u |
       grep -vxE 'rsyslog|syslog-ng-core|lsb-base|sysvinit-utils' || true)
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $deps >/dev/null
mkdir -p "$dir/debs"
cd "$dir/debs"
rm -f ./*.deb
apt-get download "${pkgs[@]}" 2>&1 | grep -v unsandboxed || true
for d in ./*.deb; do dpkg-deb -x "$d" "$dir"; done
echo "setup-peers: unpacked ${pkgs[*]} into $dir"
