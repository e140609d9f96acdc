# nomen — see README.md. Every target works on a fresh machine with Go installed.
GO        ?= go
PREFIX    ?= /usr/local
DESTDIR   ?=
SYSCONFDIR ?= /etc
BINDIR    ?= $(PREFIX)/bin
LIBDIR    ?= $(PREFIX)/lib
DOCDIR    ?= $(PREFIX)/share/doc/nomen
MANDIR    ?= $(PREFIX)/share/man
DATADIR   ?= $(PREFIX)/share
UNITDIR   ?= /etc/systemd/system
# VERSION (the file) plus the commits since it changed: packaging/version.sh.
VERSION   ?= $(shell packaging/version.sh 2>/dev/null || cat VERSION)
LDFLAGS   := -s -w -X main.version=$(VERSION)
FUZZTIME  ?= 20s
# staticcheck, pinned, fetched through the Go module proxy on first use and
# built for this machine into bin/ (GOOS=windows then only selects what it checks).
STATICCHECK_VERSION ?= v0.8.2
STATICCHECK ?= bin/staticcheck
CONFIG    ?= configs/dev.toml
# nfpm builds the Debian package; pinned, fetched through the Go module proxy.
NFPM      ?= $(GO) run github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.48.0
DEB_ARCH  ?= $(shell $(GO) env GOARCH)

.PHONY: all build run test test-short bench pgo fuzz install uninstall lint clean deb test-deb check-deploy

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/nomen ./cmd/nomen
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/nomen-agent ./cmd/nomen-agent

# Starts nomen on the embedded default: high loopback ports, JSON lines under ./var/.
run: build
	./bin/nomen run -config $(CONFIG)

# The whole suite: formatting, vet (also for the Windows agent), race-enabled tests.
# The end-to-end tests in cmd/ build the binaries themselves, which Go's test
# cache cannot see: they always run afresh.
# scripts/testsummary runs go test and then lists every skipped test and why
# (a peer that is absent, a measurement left to make bench).
test: lint
	$(GO) run ./scripts/testsummary -race -timeout 30m $$($(GO) list ./... | grep -v '/cmd/')
	$(GO) run ./scripts/testsummary -race -timeout 30m -count=1 ./cmd/...

# Without the slow end-to-end tests.
test-short:
	$(GO) test -short ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	# The relay targets Linux, but every package and test builds and vets
	# on Windows (the agent's OS; the portable code, e.g. relay/listen's
	# stream_other.go, is compiled nowhere else) and macOS (developers'):
	# Linux-only code sits in build-tagged files.
	GOOS=windows $(GO) vet ./...
	GOOS=darwin $(GO) vet ./...
	GOOS=windows $(GO) build -o /dev/null ./cmd/nomen-agent
	GOBIN=$(CURDIR)/bin $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	$(STATICCHECK) ./...
	GOOS=windows $(STATICCHECK) ./cmd/nomen-agent/...
	GOOS=windows $(STATICCHECK) -tests=false ./relay/listen
	# The import rules read the module through `go list`, which Go's test
	# cache cannot see: always afresh.
	$(GO) test -count=1 ./internal/archtest

# Throughput (msg/s, MB/s, CPU s, peak RSS) of TCP syslog -> journal -> file,
# plus allocations per event from the Go benchmarks of the hot paths.
bench: build
	./scripts/bench.sh

# Refreshes cmd/nomen/default.pgo, the CPU profile `go build` (-pgo=auto,
# the default) uses for nomen's profile-guided optimisation: the Go
# benchmarks of the roads users run, merged (scripts/pgo/profile.sh;
# ~2 minutes). Commit the result with the figures it gives (docs/performance.md).
pgo:
	scripts/pgo/profile.sh cmd/nomen/default.pgo

# Runs every fuzz target for FUZZTIME each.
fuzz:
	./scripts/fuzz.sh $(FUZZTIME)

# The same layout as the Debian package (packaging/README.md) under PREFIX:
# the user nomen (sysusers.d), /var/lib/nomen and /var/log/nomen (tmpfiles.d),
# /etc/nomen root:nomen 0750 with nomen.toml 0640 (kept if present), the
# example rules as documentation. The user, ownership and directories are
# made only when installing into the running system (no DESTDIR).
install: build
	install -D -m 0755 bin/nomen $(DESTDIR)$(BINDIR)/nomen
	install -D -m 0644 configs/nomen.service $(DESTDIR)$(UNITDIR)/nomen.service
	sed -i 's#/usr/bin/nomen#$(BINDIR)/nomen#g' $(DESTDIR)$(UNITDIR)/nomen.service
	install -D -m 0644 packaging/nomen.sysusers $(DESTDIR)$(LIBDIR)/sysusers.d/nomen.conf
	install -D -m 0644 packaging/nomen.tmpfiles $(DESTDIR)$(LIBDIR)/tmpfiles.d/nomen.conf
	install -d -m 0750 $(DESTDIR)$(SYSCONFDIR)/nomen $(DESTDIR)$(SYSCONFDIR)/nomen/rules
	test -e $(DESTDIR)$(SYSCONFDIR)/nomen/nomen.toml || install -m 0640 configs/nomen.toml $(DESTDIR)$(SYSCONFDIR)/nomen/nomen.toml
	install -d -m 0755 $(DESTDIR)$(DOCDIR)/examples/rules $(DESTDIR)$(DOCDIR)/examples/correlate
	install -m 0644 configs/rules/* $(DESTDIR)$(DOCDIR)/examples/rules/
	install -m 0644 configs/correlate/examples.toml $(DESTDIR)$(DOCDIR)/examples/correlate/
	install -m 0644 configs/nomen.toml $(DESTDIR)$(DOCDIR)/examples/nomen.toml
	install -m 0644 packaging/dev-log.tmpfiles $(DESTDIR)$(DOCDIR)/examples/dev-log.conf
	install -D -m 0644 docs/man/nomen.8 $(DESTDIR)$(MANDIR)/man8/nomen.8
	install -D -m 0644 docs/man/nomen.toml.5 $(DESTDIR)$(MANDIR)/man5/nomen.toml.5
	install -D -m 0644 packaging/completions/nomen.bash $(DESTDIR)$(DATADIR)/bash-completion/completions/nomen
	install -D -m 0644 packaging/completions/_nomen $(DESTDIR)$(DATADIR)/zsh/vendor-completions/_nomen
	install -D -m 0644 packaging/completions/nomen.fish $(DESTDIR)$(DATADIR)/fish/vendor_completions.d/nomen.fish
	@if [ -z "$(DESTDIR)" ]; then \
	  set -e; \
	  if command -v systemd-sysusers >/dev/null; then systemd-sysusers $(LIBDIR)/sysusers.d/nomen.conf; \
	  elif ! getent passwd nomen >/dev/null; then useradd --system --user-group --home-dir /var/lib/nomen --no-create-home --shell /usr/sbin/nologin nomen; fi; \
	  install -d -o nomen -g nomen -m 0750 /var/lib/nomen /var/log/nomen; \
	  chgrp nomen $(SYSCONFDIR)/nomen $(SYSCONFDIR)/nomen/rules $(SYSCONFDIR)/nomen/nomen.toml; \
	  chmod 0640 $(SYSCONFDIR)/nomen/nomen.toml; \
	  echo "installed; then: systemctl daemon-reload && systemctl enable --now nomen"; \
	else echo "installed under $(DESTDIR): on the target, run systemd-sysusers and systemd-tmpfiles --create (nomen.conf), then chgrp nomen $(SYSCONFDIR)/nomen $(SYSCONFDIR)/nomen/nomen.toml"; fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/nomen $(DESTDIR)$(BINDIR)/nomen-agent $(DESTDIR)$(UNITDIR)/nomen.service
	rm -f $(DESTDIR)$(LIBDIR)/sysusers.d/nomen.conf $(DESTDIR)$(LIBDIR)/tmpfiles.d/nomen.conf
	rm -rf $(DESTDIR)$(DOCDIR)
	rm -f $(DESTDIR)$(MANDIR)/man8/nomen.8 $(DESTDIR)$(MANDIR)/man5/nomen.toml.5
	rm -f $(DESTDIR)$(DATADIR)/bash-completion/completions/nomen $(DESTDIR)$(DATADIR)/zsh/vendor-completions/_nomen $(DESTDIR)$(DATADIR)/fish/vendor_completions.d/nomen.fish
	@echo "kept $(SYSCONFDIR)/nomen, /var/lib/nomen, /var/log/nomen and the user nomen"

# The Debian package, dist/nomen_<version>_<arch>.deb (packaging/nfpm.yaml).
# Only nomen: the agent runs on Windows hosts, not on the relay.
deb:
	rm -rf dist/build && rm -f dist/nomen_*.deb && mkdir -p dist/build
	CGO_ENABLED=0 GOARCH=$(DEB_ARCH) $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o dist/build/nomen ./cmd/nomen
	NOMEN_DEB_VERSION='$(VERSION)' NOMEN_ARCH='$(DEB_ARCH)' $(NFPM) package --config packaging/nfpm.yaml --packager deb --target dist/
	@ls dist/nomen_*.deb

# Builds the package, installs it on this machine (root), checks it as the
# service user, verifies the unit, purges it: packaging/test-deb.sh.
test-deb:
	packaging/test-deb.sh

# The alert rules and their unit tests (promtool, from Debian's prometheus).
check-deploy:
	promtool check rules deploy/prometheus/nomen-rules.yml
	promtool test rules deploy/prometheus/nomen-rules.test.yml

clean:
	rm -rf bin var dist
