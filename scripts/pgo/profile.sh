#!/usr/bin/env bash
# make pgo: the CPU profile that `go build` uses for profile-guided
# optimisation of nomen (cmd/nomen/default.pgo; docs/performance.md has
# what it buys). It is made from the Go benchmarks of the roads users run,
# not from a live relay: a benchmark does a fixed number of messages with
# no peers and no ports, on any machine, so a refresh differs from the last
# only by the sampling, and each road gets its share by a count written
# here rather than by what a run's corpus happened to hold.
#
# Each benchmark runs a fixed count (0.5-3 CPU seconds each on the 2-core
# development machine: ~1,800 samples in all at the profiler's 100 Hz,
# about 2 minutes), with its own CPU profile; `go tool pprof -proto`
# merges them. The benchmarks' test binaries are built without a profile
# (no main package), so the new profile does not depend on the old one.
#
# Usage: scripts/pgo/profile.sh [OUT]   (default cmd/nomen/default.pgo)
# SCALE=0.1 runs a tenth of each count (a quick check of the script).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-cmd/nomen/default.pgo}
scale=${SCALE:-1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# package, benchmark (anchored by -bench's regexp), count: the roads.
roads=(
	# TCP syslog, decode + journal record + ECS JSON (the raw and JSON outputs' front half)
	"./relay/decode BenchmarkFrameLive$ 1400000"
	# the file output's JSON road, decode to line
	"./relay/decode BenchmarkFrameJSON$ 1400000"
	# UDP: loggen's RFC 3164 datagram through decode, and the listener's recvmmsg batches
	"./relay/decode BenchmarkFrameDatagram$ 1600000"
	"./relay/listen BenchmarkUDPSteadyRate$ 400000"
	# stream framing (LF and octet counting)
	"./relay/framing BenchmarkFraming(LF|Octet)$ 20000000"
	# vendor lines and the Windows roads in syslog: the whole golden corpus
	"./normalize BenchmarkParseNormalize$ 600000"
	# Windows agent records: the server side of the agent protocol, then their decoding
	"./relay/agent BenchmarkServer$ 400000"
	"./normalize BenchmarkParseNormalizeVendor/windows_agent$ 1200000"
	# the journal: appends, and reading back for an output behind the tail
	"./relay/journal BenchmarkAppend/fsync=never$ 8000"
	"./relay/journal BenchmarkReadFromDisk$ 3000"
	# sequence tracking and correlation rules
	"./relay/sequence BenchmarkProcess$ 40000"
	"./relay/correlate BenchmarkStages$ 12000"
	# the output worker and the file sink (JSON and raw lines)
	"./relay/output BenchmarkWorker$ 20000"
	"./forward/file BenchmarkFileJSON$ 1000000"
	"./forward/file BenchmarkFileRaw$ 10000000"
)

profiles=()
i=0
for road in "${roads[@]}"; do
	read -r pkg bench count <<<"$road"
	n=$(awk -v c="$count" -v s="$scale" 'BEGIN { n = int(c * s); print (n < 1 ? 1 : n) }')
	i=$((i + 1))
	echo "pgo: $pkg $bench ${n}x" >&2
	go test -run '^$' -bench "$bench" -benchtime "${n}x" -count 1 -timeout 10m \
		-o "$tmp/$i.test" -cpuprofile "$tmp/$i.pprof" "$pkg" >"$tmp/$i.out" \
		|| { cat "$tmp/$i.out" >&2; exit 1; }
	grep -E '^Benchmark' "$tmp/$i.out" >&2 || { echo "pgo: $bench did not run" >&2; exit 1; }
	profiles+=("$tmp/$i.pprof")
done
go tool pprof -proto "${profiles[@]}" >"$tmp/merged.pgo" 2>/dev/null
mv "$tmp/merged.pgo" "$out"
echo "pgo: wrote $out ($(wc -c <"$out") bytes)" >&2
