#!/usr/bin/env bash
# Compares commits on one benchmark: builds the package's test binary at each commit
# (from git archive, in a temporary directory) and runs them in turn, COUNT rounds, so
# that the load of a shared machine falls on all of them alike; benchstat summarizes.
# Usage: scripts/bench-commits.sh BENCH-REGEXP COMMIT... (benchtime: BENCHTIME, default 1x)
# Example: scripts/bench-commits.sh '^BenchmarkDecodeStages$' 37a7048 HEAD
set -euo pipefail
cd "$(dirname "$0")/.."
pattern=$1
shift
count=${COUNT:-5}
benchtime=${BENCHTIME:-1x}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for commit in "$@"; do
	mkdir "$tmp/$commit"
	git archive "$commit" | tar -x -C "$tmp/$commit"
	(cd "$tmp/$commit" && go test -c -o "$tmp/$commit.test" .)
done
for _ in $(seq "$count"); do
	for commit in "$@"; do
		# Each binary runs in the repository root, where the benchmarks find testdata.
		"$tmp/$commit.test" -test.run '^$' -test.bench "$pattern" -test.benchtime "$benchtime" |
			sed "s/^Benchmark/commit=$commit Benchmark/" >>"$tmp/all.txt"
	done
done
grep '^commit=' "$tmp/all.txt" |
	sed -E 's/^commit=([^ ]+) (Benchmark[^[:space:]]*)-([0-9]+)([[:space:]])/\2\/commit=\1-\3\4/' >"$tmp/bench.txt"
cat "$tmp/bench.txt"
go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da -col /commit "$tmp/bench.txt"
