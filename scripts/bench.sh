#!/usr/bin/env bash
# Runs the benchmarks of BENCHMARKS.md and summarizes them with benchstat.
# Usage: scripts/bench.sh [output directory]   (default: bench, ignored by git)
# The test binary is built once and run again for every round, so that the rounds of the
# implementations of one benchmark alternate and the load of the machine falls on all of
# them alike. COUNT (default 5) is the number of rounds of the decoding benchmarks up to
# 100,000 rows; COUNT_1M (default 3) of the 1,000,000-row ones, where encoding/xml alone
# takes about a minute a round. About 40 minutes in all on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench}
count=${COUNT:-5}
count1m=${COUNT_1M:-3}
mkdir -p "$out"
benchstat="go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da"
bin="$out/billmgr.test"
go test -c -o "$bin" .

{
	echo "# $(date -u +%FT%TZ) $(go version) $(git rev-parse --short HEAD)"
	echo "# nproc: $(nproc)"
	lscpu | head -n 14 | sed 's/^/# /'
	echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out/machine.txt"

run() { # name, rounds, then the arguments of the test binary
	local name=$1 rounds=$2
	shift 2
	: >"$out/$name.txt"
	for round in $(seq "$rounds"); do
		echo "== $name, round $round of $rounds: $bin -test.run '^\$' $*" >&2
		"$bin" -test.run '^$' "$@" | tee -a "$out/$name.txt" >&2
	done
}

# Reading a whole list over loopback HTTP, in pages of 1,000 rows: the transport alone
# (reads of 256 KB), the same reads counting '<', Payments.All, the decoder a user builds
# on xmltokenizer, and the user's encoding/xml code.
run decode "$count" -test.bench '^BenchmarkDecode$/rows=(1000|10000|100000)$/' -test.benchtime 1x
run decode1m "$count1m" -test.bench '^BenchmarkDecode$/rows=1000000$/' -test.benchtime 1x -test.timeout 60m
# Peak heap of a walk over loopback, paged and in one page, 10,000 to 1,000,000 rows.
run peak 2 -test.bench '^BenchmarkPeakHeap$' -test.benchtime 1x -test.timeout 30m
# The decoder's stages in memory (scanner, tree, rows, All) and the money fast path.
run stages "$count" -test.bench '^Benchmark(DecodeStages|MoneyColumn)$' -test.benchtime 200ms
# One call: Payments.Get and SetPaid against a hand-written net/http POST with encoding/xml.
run calls 10 -test.bench '^Benchmark(Get|SetPaid)$' -test.benchtime 2000x
# Sessions: 1,000 calls with WithSession (one login) and with WithAuthInfo (none).
run sessions 3 -test.bench '^BenchmarkSessions$' -test.benchtime 2x
# 64 goroutines: connections kept alive.
run parallel 3 -test.bench '^BenchmarkParallelCalls$' -test.benchtime 20000x

for name in decode decode1m peak calls; do
	echo "## $name"
	$benchstat -col /impl "$out/$name.txt"
done >"$out/summary.txt"
for name in stages sessions parallel; do
	echo "## $name"
	$benchstat "$out/$name.txt"
done >>"$out/summary.txt"
cat "$out/machine.txt" "$out/summary.txt"
