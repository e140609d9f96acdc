#!/usr/bin/env bash
# Builds the Debian package, installs it on THIS machine, checks it, purges it.
#
#   sudo packaging/test-deb.sh        (make test-deb; .ci/run runs it)
#
# Needs root, dpkg and systemd-analyze (Debian's systemd package; systemd need
# not be running: without it, nothing is started). Checks:
#   - the package holds /usr/bin/nomen and not nomen-agent, nomen.toml as a
#     conffile, the example rules as documentation only;
#   - after dpkg -i: the user nomen, /etc/nomen root:nomen 0750, nomen.toml
#     root:nomen 0640, /var/lib/nomen and /var/log/nomen nomen:nomen 0750;
#   - `nomen check -config /etc/nomen/nomen.toml` passes as the user nomen and
#     fails as nobody (the configuration is not world-readable);
#   - `nomen run` starts as the user nomen on the installed configuration
#     (listeners moved to loopback port 0) and writes its journal;
#   - the installed unit passes `systemd-analyze verify`;
#   - installing again over itself works (postinst is idempotent);
#   - after dpkg --purge: no file of the package, no /etc/nomen,
#     /var/lib/nomen, /var/log/nomen, no enablement link; the user nomen stays
#     (see packaging/postrm).
#
# Idempotent: a package left installed by an interrupted run of this script is
# purged first. It refuses to touch a nomen that something else installed.
set -euo pipefail
cd "$(dirname "$0")/.."

marker=/run/nomen-test-deb.installed # "this script installed nomen"
step() { printf '\n== %s\n' "$*"; }
fail() {
	printf '\nFAIL: %s\n' "$*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || fail "run as root: it installs and purges the package"
for tool in dpkg dpkg-deb runuser setpriv systemd-analyze; do
	command -v "$tool" >/dev/null || fail "$tool is missing (systemd-analyze: apt-get install systemd)"
done

installed() { dpkg-query -W -f='${db:Status-Status}' nomen 2>/dev/null | grep -qx installed; }
known() { dpkg-query -W -f='${db:Status-Status}' nomen 2>/dev/null | grep -qvx not-installed; }

purge() {
	dpkg --purge nomen >/dev/null
	rm -f "$marker"
}

if known; then
	[ -e "$marker" ] || fail "a nomen package is installed, not by this script: not purging it (dpkg --purge nomen, then run again)"
	step "purging the package an earlier run left"
	purge
fi
if [ -e /etc/nomen ] || [ -e /var/lib/nomen ] || [ -e /var/log/nomen ]; then
	fail "/etc/nomen, /var/lib/nomen or /var/log/nomen exists (make install?): not overwriting it"
fi

step "make deb"
make deb
debs=(dist/nomen_*.deb)
[ "${#debs[@]}" = 1 ] && [ -f "${debs[0]}" ] || fail "expected one dist/nomen_*.deb, found: ${debs[*]}"
deb=${debs[0]}
version=$(dpkg-deb -f "$deb" Version)
echo "$deb (version $version)"

step "package contents"
contents=$(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's#^\./#/#')
has() { grep -qx -- "$1" <<<"$contents" || fail "the package lacks $1"; }
lacks() { ! grep -q -- "$1" <<<"$contents" || fail "the package must not hold $1: $(grep -- "$1" <<<"$contents")"; }
has /usr/bin/nomen
has /usr/lib/systemd/system/nomen.service
has /usr/lib/sysusers.d/nomen.conf
has /usr/lib/tmpfiles.d/nomen.conf
has /etc/nomen/nomen.toml
has /usr/share/doc/nomen/copyright
has /usr/share/doc/nomen/examples/rules/acme-vpn.toml
has /usr/share/doc/nomen/examples/correlate/examples.toml
lacks nomen-agent
lacks '^/etc/nomen/rules/.'
conffiles=$(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles)
[ "$conffiles" = /etc/nomen/nomen.toml ] || fail "conffiles: want /etc/nomen/nomen.toml, got: $conffiles"

# mode owner group path
want() {
	local got
	got=$(stat -c '%a %U %G' "$4") || fail "$4 is missing"
	[ "$got" = "$1 $2 $3" ] || fail "$4 is $got, want $1 $2 $3"
}

check_installed() {
	getent passwd nomen >/dev/null || fail "no user nomen"
	getent group nomen >/dev/null || fail "no group nomen"
	[ "$(/usr/bin/nomen version)" = "nomen $version" ] || fail "nomen version says '$(/usr/bin/nomen version)', want 'nomen $version'"
	want 750 root nomen /etc/nomen
	want 750 root nomen /etc/nomen/rules
	want 640 root nomen /etc/nomen/nomen.toml
	want 750 nomen nomen /var/lib/nomen
	want 750 nomen nomen /var/log/nomen
	want 755 root root /usr/bin/nomen
}

step "dpkg -i"
touch "$marker"
dpkg -i "$deb"
installed || fail "dpkg -i left nomen not installed"
check_installed

step "nomen check as the service user"
runuser -u nomen -- /usr/bin/nomen check -config /etc/nomen/nomen.toml ||
	fail "nomen check -config /etc/nomen/nomen.toml failed as the user nomen"
if setpriv --reuid=nobody --regid=nogroup --clear-groups /usr/bin/nomen check -config /etc/nomen/nomen.toml >/dev/null 2>&1; then
	fail "nobody can read /etc/nomen/nomen.toml: the configuration must be readable by group nomen only"
fi

step "nomen run as the service user"
# The installed configuration with its listeners on loopback port 0 and no
# metrics listener, in a file the user nomen can read; state and logs go where
# the configuration says (/var/lib/nomen, /var/log/nomen).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 0755 "$tmp"
sed -e 's#^address = "0\.0\.0\.0:[0-9]*"#address = "127.0.0.1:0"#' \
	-e 's#^listen = "127\.0\.0\.1:9514"#listen = ""#' /etc/nomen/nomen.toml >"$tmp/nomen.toml"
chmod 0644 "$tmp/nomen.toml"
! grep -q '0\.0\.0\.0:' <(grep -v '^ *#' "$tmp/nomen.toml") || fail "the test config still listens on 0.0.0.0"
setpriv --reuid=nomen --regid=nomen --init-groups /usr/bin/nomen run -config "$tmp/nomen.toml" 2>"$tmp/run.log" &
pid=$!
started=
for _ in $(seq 100); do
	grep -q 'msg="nomen started"' "$tmp/run.log" && started=1 && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
if [ -z "$started" ]; then
	kill "$pid" 2>/dev/null || true
	cat "$tmp/run.log" >&2
	fail "nomen run did not start as the user nomen"
fi
kill -TERM "$pid"
wait "$pid" || {
	cat "$tmp/run.log" >&2
	fail "nomen run did not stop cleanly"
}
want 750 nomen nomen /var/lib/nomen
[ "$(stat -c %U /var/lib/nomen/journal)" = nomen ] || fail "/var/lib/nomen/journal is not nomen's"

step "systemd-analyze verify"
# Works without a running systemd; it checks the unit's syntax, that the
# binaries it runs exist, and what it can of the rest. Any line it prints
# about nomen.service is a failure.
verify=$(systemd-analyze verify --man=no /usr/lib/systemd/system/nomen.service 2>&1) ||
	fail "systemd-analyze verify failed: $verify"
if grep -i nomen <<<"$verify"; then
	fail "systemd-analyze verify complained about nomen.service"
fi
echo "unit verified"

step "dpkg -i again (upgrade over itself)"
dpkg -i "$deb"
check_installed

step "dpkg --purge"
purge
! known || fail "dpkg still knows nomen after --purge"
while read -r path; do
	[ -z "$path" ] || [ ! -e "$path" ] || [ -d "$path" ] || fail "$path is left after purge"
done <<<"$contents"
for path in /usr/bin/nomen /etc/nomen /var/lib/nomen /var/log/nomen /usr/share/doc/nomen \
	/etc/systemd/system/multi-user.target.wants/nomen.service; do
	[ ! -e "$path" ] && [ ! -L "$path" ] || fail "$path is left after purge"
done
if ls /var/lib/systemd/deb-systemd-helper-enabled/ 2>/dev/null | grep -q nomen; then
	fail "deb-systemd-helper state for nomen is left after purge"
fi
getent passwd nomen >/dev/null || fail "purge removed the user nomen; postrm says it stays"

step "package OK: $deb"
