#!/usr/bin/env bash
# Stops the test cluster that start.sh brought up: cancels the test user's
# jobs first (slurmstepd is double-forked and outlives slurmd), lists what
# the cluster started (tc_owned_pids: its sessions, its own slurmd's job
# steps, the test user's processes that came through its sshd or its jobs),
# stops each daemon by the pid it recorded, then what was listed. Nothing
# else on the machine is touched: not another slurmd's steps, not the test
# user's other processes. Safe to run when nothing is up.
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

# Listed while the daemons still run: once sshd and slurmd are gone, their
# sessions and steps are no one's descendants any more.
owned=$(tc_owned_pids "$TC_STATE" "$TC_USER")

stop() { tc_stop "$pids/$1.pid" "$2"; } # stop NAME EXE
stop slurmd /usr/sbin/slurmd
stop slurmctld /usr/sbin/slurmctld
stop slurmdbd /usr/sbin/slurmdbd
tc_stop "$TC_STATE/mysql/mariadbd.pid" /usr/sbin/mariadbd
stop sshd /usr/sbin/sshd
f=$TC_STATE/munge/munged.pid
if tc_alive "$f" /usr/sbin/munged; then kill "$(tc_pid "$f")" 2>/dev/null; fi
rm -f "$f"

# Job steps and ssh sessions left behind, as listed above (a pid reused
# since is left alone).
tc_kill_owned <<<"$owned"
rm -f "$TC_ENV"
exit 0
