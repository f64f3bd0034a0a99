#!/usr/bin/env bash
# Stops the test cluster that start.sh brought up: cancels the test user's
# jobs first (slurmstepd is double-forked and outlives slurmd), then stops
# each daemon by the pid it recorded, then whatever the test user still runs.
# Safe to run when nothing is up.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=testcluster/common.sh
. "$here/common.sh"

exec 9>"${TC_STATE%/}.lock"
flock -w 120 9 || true

pids=$TC_STATE/pids

if tc_alive "$pids/slurmctld.pid" /usr/sbin/slurmctld; then
	timeout 10 scancel --user="$TC_USER" 2>/dev/null || true
	for _ in $(seq 50); do
		[[ -z $(timeout 5 squeue -h -u "$TC_USER" -o %i 2>/dev/null) ]] && break
		sleep 0.1
	done
fi

stop() { tc_stop "$pids/$1.pid" "$2"; } # stop NAME EXE
stop slurmd /usr/sbin/slurmd
stop slurmctld /usr/sbin/slurmctld
stop slurmdbd /usr/sbin/slurmdbd
tc_stop "$TC_STATE/mysql/mariadbd.pid" /usr/sbin/mariadbd
stop sshd /usr/sbin/sshd
f=$TC_STATE/munge/munged.pid
if tc_alive "$f" /usr/sbin/munged; then kill "$(tc_pid "$f")" 2>/dev/null; fi
rm -f "$f"

# Job steps and ssh sessions left behind: the test user exists only for the
# test cluster, so everything it still runs belongs to it. slurmstepd runs
# as root; only those whose job belonged to the test user are left, and
# they exit once their job's processes are gone.
if id "$TC_USER" >/dev/null 2>&1; then
	for pid in $(pgrep -u "$TC_USER" 2>/dev/null); do kill "$pid" 2>/dev/null; done
	sleep 0.2
	for pid in $(pgrep -u "$TC_USER" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
fi
for pid in $(pgrep -x slurmstepd 2>/dev/null); do kill "$pid" 2>/dev/null; done
rm -f "$TC_ENV"
exit 0
