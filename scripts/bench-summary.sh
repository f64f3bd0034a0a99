#!/usr/bin/env bash
# Times `srtctl-tui summary --json` against reference_summary.py and against
# plain decompression (`gzip -dc > /dev/null`) on the largest shared trace,
# in one run, and prints the times, the ratios and the peak memories (max
# RSS from /usr/bin/time -v). Goals (issues 6, 10, 14): at least 20x faster
# than the script, no slower than gzip -dc (ratio at most 1x) with every
# analysis on, peak memory under 64 MB; then a hostile trace with
# $HOSTILE_NAMES (default 10 million) distinct kernel names, made here,
# summarised in under 256 MB (HOSTILE_NAMES=0 skips it).
#
# usage: [ROUNDS=5] [HOSTILE_NAMES=10000000] scripts/bench-summary.sh [TRACE]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
trace=${1:-$root/../shared/traces/1795954250-TP-0-decode-big.trace.json.gz}
script=$root/../shared/traces/reference_summary.py

[ -r "$trace" ] || { echo "no trace at $trace" >&2; exit 2; }
[ -r "$script" ] || { echo "no reference script at $script" >&2; exit 2; }
if [ ! -x /usr/bin/time ]; then
	echo "installing GNU time (for peak memory)" >&2
	if [ "$(id -u)" = 0 ]; then apt-get install -y -qq time >/dev/null; else sudo apt-get install -y -qq time >/dev/null; fi
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "building srtctl-tui"
go build -o "$work/srtctl-tui" .

# run NAME CMD...: runs CMD under /usr/bin/time -v, keeps stdout in
# $work/NAME.out, and sets SECS and RSS_KB.
run() {
	local name=$1
	shift
	/usr/bin/time -v -o "$work/$name.time" "$@" >"$work/$name.out"
	SECS=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$work/$name.time")
	RSS_KB=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/$name.time")
}

echo "trace: $trace ($(du -h "$trace" | cut -f1) compressed, $(gzip -dc "$trace" | wc -c | awk '{printf "%.0f MB", $1 / 1e6}') as JSON)"
# warm the page cache so that no run pays for the disk
cat "$trace" >/dev/null

# Best of $ROUNDS (default 5), the two sides alternating: on a shared
# machine one run says more about the neighbours than about the program.
gz_s=999999 our_s=999999 gz_kb=0 our_kb=0
for _ in $(seq "${ROUNDS:-5}"); do
	run gzip sh -c 'gzip -dc "$1" > /dev/null' sh "$trace"
	gz_s=$(awk -v a="$gz_s" -v b="$SECS" 'BEGIN { print (b < a ? b : a) }') gz_kb=$((RSS_KB > gz_kb ? RSS_KB : gz_kb))
	run ours "$work/srtctl-tui" summary --json "$trace"
	our_s=$(awk -v a="$our_s" -v b="$SECS" 'BEGIN { print (b < a ? b : a) }') our_kb=$((RSS_KB > our_kb ? RSS_KB : our_kb))
done
run python python3 "$script" "$trace"
py_s=$SECS py_kb=$RSS_KB

# The reference's members come first, byte for byte; the analyses follow.
# (the script's output up to its last "]", then ours goes on with ",").
head -n "$(($(wc -l <"$work/python.out") - 1))" "$work/python.out" | head -c -1 >"$work/python.head"
if head -c "$(wc -c <"$work/python.head")" "$work/ours.out" | cmp -s - "$work/python.head"; then same="identical"; else same="DIFFERENT"; fi

awk -v gz="$gz_s" -v ours="$our_s" -v py="$py_s" -v gzkb="$gz_kb" -v ourkb="$our_kb" -v pykb="$py_kb" -v same="$same" 'BEGIN {
	printf "\n%-34s %9s %12s\n", "", "time", "peak memory"
	printf "%-34s %8.2fs %9.1f MB   (best of the rounds; memory: the largest)\n", "gzip -dc > /dev/null", gz, gzkb / 1024
	printf "%-34s %8.2fs %9.1f MB\n", "srtctl-tui summary --json", ours, ourkb / 1024
	printf "%-34s %8.2fs %9.1f MB\n", "python3 reference_summary.py", py, pykb / 1024
	if (ours <= 0) ours = 0.005
	printf "\nspeed-up over the script: %.1fx (goal: at least 20x)\n", py / ours
	printf "time relative to gzip -dc: %.2fs / %.2fs = %.2fx (goal: at most 1x)\n", ours, gz, ours / gz
	printf "peak memory: %.1f MB (goal: under 64 MB); the script: %.0f MB\n", ourkb / 1024, pykb / 1024
	printf "JSON output vs the script (its members): %s\n", same
	fail = (py / ours < 20) || (ours / gz > 1) || (ourkb / 1024 >= 64) || (same != "identical")
	exit fail
}' || status=1

names=${HOSTILE_NAMES:-10000000}
if [ "$names" -gt 0 ]; then
	echo
	echo "hostile trace: $names distinct kernel names (generating)"
	awk -v n="$names" 'BEGIN { printf "{\"traceEvents\": ["; for (i = 0; i < n; i++) printf "%s{\"ph\":\"X\",\"cat\":\"kernel\",\"name\":\"k%d\",\"ts\":%d,\"dur\":1,\"args\":{\"stream\":7,\"correlation\":%d}}", (i ? "," : ""), i, 2 * i, i; print "]}" }' | gzip -1 >"$work/hostile.json.gz"
	run hostile "$work/srtctl-tui" summary --top 3 "$work/hostile.json.gz"
	awk -v s="$SECS" -v kb="$RSS_KB" -v gz="$(du -m "$work/hostile.json.gz" | cut -f1)" 'BEGIN {
		printf "hostile (%d MB .gz): %.2fs, peak memory %.1f MB (goal: under 256 MB)\n", gz, s, kb / 1024
		exit (kb / 1024 >= 256)
	}' || status=1
	grep -q "kernels whose names were not kept" "$work/hostile.out" && echo "the long tail is folded into one row, totals exact" || { echo "no folded row"; status=1; }
fi
exit "${status:-0}"
