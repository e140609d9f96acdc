# nomen — see README.md. Every target works on a fresh machine with Go installed.
GO        ?= go
PREFIX    ?= /usr/local
DESTDIR   ?=
SYSCONFDIR ?= /etc
UNITDIR   ?= /etc/systemd/system
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -s -w -X main.version=$(VERSION)
FUZZTIME  ?= 20s
CONFIG    ?= configs/dev.toml

.PHONY: all build run test test-short bench fuzz install uninstall lint clean

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
test: lint
	$(GO) test -race -timeout 30m $$($(GO) list ./... | grep -v '/cmd/')
	$(GO) test -race -timeout 30m -count=1 ./cmd/...

# Without the slow end-to-end tests.
test-short:
	$(GO) test -short ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	GOOS=windows $(GO) vet ./cmd/nomen-agent/...
	GOOS=windows $(GO) build -o /dev/null ./cmd/nomen-agent

# Throughput (msg/s, MB/s, CPU s, peak RSS) of TCP syslog -> journal -> file,
# plus allocations per event from the Go benchmarks of the hot paths.
bench: build
	./scripts/bench.sh

# Runs every fuzz target for FUZZTIME each.
fuzz:
	./scripts/fuzz.sh $(FUZZTIME)

install: build
	install -D -m 0755 bin/nomen $(DESTDIR)$(PREFIX)/bin/nomen
	install -D -m 0755 bin/nomen-agent $(DESTDIR)$(PREFIX)/bin/nomen-agent
	install -D -m 0644 configs/nomen.service $(DESTDIR)$(UNITDIR)/nomen.service
	sed -i 's#/usr/local/bin/nomen#$(PREFIX)/bin/nomen#g' $(DESTDIR)$(UNITDIR)/nomen.service
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/nomen/rules
	test -e $(DESTDIR)$(SYSCONFDIR)/nomen/nomen.toml || install -m 0640 configs/nomen.toml $(DESTDIR)$(SYSCONFDIR)/nomen/nomen.toml
	for f in configs/rules/*.toml; do [ -e "$$f" ] || continue; \
	  test -e $(DESTDIR)$(SYSCONFDIR)/nomen/rules/$$(basename $$f) || install -m 0644 $$f $(DESTDIR)$(SYSCONFDIR)/nomen/rules/; done
	@echo "installed; then: systemctl daemon-reload && systemctl enable --now nomen"

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/nomen $(DESTDIR)$(PREFIX)/bin/nomen-agent $(DESTDIR)$(UNITDIR)/nomen.service
	@echo "kept $(SYSCONFDIR)/nomen and /var/lib/nomen"

clean:
	rm -rf bin var
