#!/usr/bin/env bash
# Runs the benchmarks of BENCHMARKS.md and summarizes them with benchstat.
# Usage: scripts/bench.sh [output directory]   (default: bench, ignored by git)
# COUNT (default 5) repeats the decoding benchmarks; the 100,000-row runs take the most
# time (about five minutes in all on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench}
count=${COUNT:-5}
mkdir -p "$out"
benchstat="go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da"

{
	echo "# $(date -u +%FT%TZ) $(go version)"
	echo "# nproc: $(nproc)"
	lscpu | head -n 14 | sed 's/^/# /'
	echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out/machine.txt"

run() { # name, then the arguments of go test
	local name=$1
	shift
	echo "== $name: go test -run '^\$' $*" >&2
	go test -run '^$' "$@" . | tee "$out/$name.txt" >&2
}

# Decoding: ns/row, B/row, allocs/row at 1,000, 10,000 and 100,000 rows.
run decode -bench '^BenchmarkDecode$' -benchtime 1x -count "$count"
# Peak heap while decoding (the baseline takes seconds at 100,000 rows with GOGC=10).
run peak -bench '^BenchmarkPeakHeap$' -benchtime 1x -count 2
# Decoding stages and the money fast path.
run stages -bench '^Benchmark(DecodeStages|MoneyColumn)$' -benchtime 200ms -count "$count"
# One small call: Payments.SetPaid against a hand-written net/http POST.
run setpaid -bench '^BenchmarkSetPaid$' -benchtime 2000x -count 10
# Sessions: 1,000 calls with WithSession (one login) and with WithAuthInfo (none).
run sessions -bench '^BenchmarkSessions$' -benchtime 2x -count 3
# 64 goroutines: connections kept alive.
run parallel -bench '^BenchmarkParallelCalls$' -benchtime 20000x -count 3

for name in decode peak setpaid; do
	echo "## $name"
	$benchstat -col /impl "$out/$name.txt"
done >"$out/summary.txt"
for name in stages sessions parallel; do
	echo "## $name"
	$benchstat "$out/$name.txt"
done >>"$out/summary.txt"
cat "$out/machine.txt" "$out/summary.txt"
