#!/usr/bin/env bash
# Benchmarks the monitor (issue 5): the delay from a line appended to a job's
# profile_prefill.out to that line on screen, and the CPU used while idle,
# for the real srtctl-tui binary running `srtctl-tui monitor` in a 120x40
# tmux pane, over the test cluster's sshd and on the local cluster. Prints a
# table; takes about 3.5 minutes. Not part of scripts/test.sh: it measures,
# it does not assert (it fails only when it cannot measure, or a line never
# reaches the screen).
#
# Needs root (it writes into the test user's home and submits a sleeping
# job as that user) and tmux; brings the test cluster up when it is down.
#
# usage: scripts/bench-monitor.sh [monitorbench flags, e.g. -clusters local -burst 50]
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ]; then
	echo "bench-monitor: run as root (sudo $0)" >&2
	exit 2
fi
command -v tmux >/dev/null || { echo "bench-monitor: tmux is required (apt-get install -y tmux)" >&2; exit 2; }

# shellcheck source=../testcluster/up.sh
source testcluster/up.sh

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "building srtctl-tui and the benchmark"
go build -o "$work/srtctl-tui" .
go build -o "$work/monitorbench" ./bench/monitorbench
"$work/monitorbench" -bin "$work/srtctl-tui" "$@"
