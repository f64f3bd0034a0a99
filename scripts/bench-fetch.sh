#!/usr/bin/env bash
# Benchmarks fetch (issue 15): srtctl-tui's copy of one file over its
# master connection and SFTP session (runner's BenchmarkFetch) against
# OpenSSH's own sftp client fetching the same file from the same test sshd
# on loopback. Prints both rates and the ratio (goal: >= 0.9). Measures,
# does not assert.
#
# Needs root (it writes a file into the test user's home); brings the test
# cluster up when it is down.
#
# usage: scripts/bench-fetch.sh [MiB, default 256] [runs of each, default 5]
set -euo pipefail
cd "$(dirname "$0")/.."
mib=${1:-256}
runs=${2:-5}

if [ "$(id -u)" != 0 ]; then
	echo "bench-fetch: run as root (sudo $0)" >&2
	exit 2
fi
env_file=/tmp/srtctl-test-cluster/env
[ -s "$env_file" ] || bash testcluster/up.sh >/dev/null
# shellcheck disable=SC1090
source "$env_file"

remote=$SRTCTL_TEST_HOME/bench-fetch
work=$(mktemp -d)
trap 'rm -rf "$work" "$remote"' EXIT
mkdir -p "$remote"
head -c "$((mib << 20))" /dev/urandom >"$remote/data"
chown -R "$SRTCTL_TEST_USER:" "$remote"
bytes=$(stat -c %s "$remote/data")

go test -c -o "$work/runner.test" ./runner/

# Runs alternate (sftp, srtctl-tui, sftp, ...) so that a busy moment of a
# shared machine hits both sides; the best run of each counts.
plain=0
ours=0
for _ in $(seq "$runs"); do
	# Plain sftp: its own connection, its default buffers and requests.
	rm -f "$work/plain"
	start=$(date +%s.%N)
	sftp -q -F "$SRTCTL_TEST_SSH_CONFIG" -b - "$SRTCTL_TEST_HOST" >/dev/null <<<"get $remote/data $work/plain"
	end=$(date +%s.%N)
	rate=$(awk -v b="$bytes" -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", b / (e - s) / 1e6 }')
	plain=$(awk -v a="$plain" -v b="$rate" 'BEGIN { print (b > a) ? b : a }')
	cmp -s "$remote/data" "$work/plain" || { echo "bench-fetch: sftp's copy differs" >&2; exit 1; }

	# srtctl-tui: the benchmark reports MB/s (1e6 bytes a second).
	out=$(cd runner && SRTCTL_BENCH_FETCH_DIR=$remote "$work/runner.test" -test.run '^$' -test.bench '^BenchmarkFetch$' -test.benchtime 1x)
	rate=$(awk '/^BenchmarkFetch/ { for (i = 1; i <= NF; i++) if ($(i+1) == "MB/s") print $i }' <<<"$out")
	[ -n "$rate" ] || { echo "bench-fetch: no rate from the benchmark:" >&2; echo "$out" >&2; exit 1; }
	ours=$(awk -v a="$ours" -v b="$rate" 'BEGIN { print (b > a) ? b : a }')
done

printf 'file          %d MiB, loopback, test sshd\n' "$mib"
printf 'plain sftp    %8.1f MB/s\n' "$plain"
printf 'srtctl-tui    %8.1f MB/s\n' "$ours"
awk -v a="$ours" -v b="$plain" 'BEGIN { printf "ratio         %8.2f (srtctl-tui / sftp; goal >= 0.90)\n", a / b }'
