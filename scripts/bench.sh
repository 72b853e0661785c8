#!/usr/bin/env bash
# Runs the benchmarks of BENCHMARKS.md and summarizes them with benchstat.
# Usage: scripts/bench.sh [output directory]   (default: bench, ignored by git)
# COUNT (default 5) repeats the decoding benchmarks up to 100,000 rows; COUNT_1M (default
# 3) the 1,000,000-row ones, where xml.Unmarshal alone takes about a minute a run. About
# 30 minutes in all on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench}
count=${COUNT:-5}
count1m=${COUNT_1M:-3}
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

# Reading a whole list over loopback HTTP, in pages of 1,000 rows: the user's encoding/xml
# code, Payments.All, encoding/xml's tokenizer, and the POST with io.Copy alone.
run decode -bench '^BenchmarkDecode$/rows=(1000|10000|100000)$/' -benchtime 1x -count "$count"
run decode1m -bench '^BenchmarkDecode$/rows=1000000$/' -benchtime 1x -count "$count1m" -timeout 60m
# Peak heap of a walk, paged and in one page, 10,000 to 1,000,000 rows.
run peak -bench '^BenchmarkPeakHeap$' -benchtime 1x -count 2 -timeout 30m
# The decoder's stages in memory (scanner, tree, rows) and the money fast path.
run stages -bench '^Benchmark(DecodeStages|MoneyColumn)$' -benchtime 200ms -count "$count"
# One call: Payments.Get and SetPaid against a hand-written net/http POST with encoding/xml.
run calls -bench '^Benchmark(Get|SetPaid)$' -benchtime 2000x -count 10
# Sessions: 1,000 calls with WithSession (one login) and with WithAuthInfo (none).
run sessions -bench '^BenchmarkSessions$' -benchtime 2x -count 3
# 64 goroutines: connections kept alive.
run parallel -bench '^BenchmarkParallelCalls$' -benchtime 20000x -count 3

for name in decode decode1m peak calls; do
	echo "## $name"
	$benchstat -col /impl "$out/$name.txt"
done >"$out/summary.txt"
for name in stages sessions parallel; do
	echo "## $name"
	$benchstat "$out/$name.txt"
done >>"$out/summary.txt"
cat "$out/machine.txt" "$out/summary.txt"
