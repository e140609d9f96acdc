#!/usr/bin/env bash
# make bench: end-to-end throughput of nomen on this machine, then the Go
# benchmarks of the hot paths with their allocations per event.
# N=messages per TCP run (default 1000000); SCENARIOS to pick runs; ROUNDS=5 runs
# them five times in turn and prints medians (min..max); AGENT=1 adds
# the Windows agent's budget (nomen-agent at 100 and 10,000 records/s, ~3 minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== end to end: TCP syslog -> parse -> normalize -> journal -> file or PostgreSQL (nomen process measured)"
go run ./scripts/benchdrive -bin bin/nomen -n "${N:-1000000}" -rounds "${ROUNDS:-1}" -scenarios "${SCENARIOS:-tcp-json,tcp-raw,udp-100000,tcp-mixed,tcp-mixed-rules,tcp-postgres}"
echo
echo "== Go benchmarks of the parse path (ns/op, allocs/op per event)"
go test -run '^$' -benchmem -bench 'BenchmarkParse(5424|3164|Mixed)$' ./parse | grep -E '^Benchmark'
go test -run '^$' -benchmem -bench 'BenchmarkParseNormalize$' ./normalize | grep -E '^Benchmark'
go test -run '^$' -benchmem -bench 'BenchmarkAppendJSON|BenchmarkCodec' ./relay/event | grep -E '^Benchmark'
if [ -n "${AGENT:-}" ]; then
  echo
  echo "== nomen-agent sending a steady 100 and 10,000 records/s to nomen over mutual TLS (agent process: CPU % of one core, RSS)"
  NOMEN_AGENT_BUDGET=1 go test -count=1 -timeout 20m -run '^TestAgentBudget$' -v ./cmd/nomen-agent | grep -E 'RESULT|load average'
  go test -run '^$' -benchmem -bench 'BenchmarkSendRecord' ./cmd/nomen-agent | grep -E '^Benchmark'
fi
