# Shared names and helpers of the test cluster scripts (sourced, not run).
# One test cluster per machine: SLURM reads /etc/slurm/slurm.conf and munge
# its default socket, so the state lives at a fixed path that every checkout
# and every test finds.
TC_STATE=${SRTCTL_TEST_CLUSTER_DIR:-/tmp/srtctl-test-cluster}
TC_USER=srtctl-test
TC_HOST_ALIAS=srtctl-test
TC_BIN=/opt/srtctl-test/bin
TC_ENV=$TC_STATE/env

# tc_alive PIDFILE EXE: the pid in PIDFILE is alive and runs EXE (compared
# after readlink -f: /usr/sbin/slurmd is an alternatives symlink).
tc_alive() {
	local pidfile=$1 exe=$2 pid
	[[ -s $pidfile ]] || return 1
	pid=$(tr -dc '0-9' <"$pidfile")
	[[ -n $pid && -d /proc/$pid ]] || return 1
	[[ $(readlink -f "/proc/$pid/exe" 2>/dev/null) == "$(readlink -f "$exe")" ]]
}

tc_pid() { tr -dc '0-9' <"$1"; }

# tc_stop PIDFILE EXE: stop that daemon (TERM, then KILL after 5 s).
tc_stop() {
	local pidfile=$1 exe=$2 pid
	if tc_alive "$pidfile" "$exe"; then
		pid=$(tc_pid "$pidfile")
		kill "$pid" 2>/dev/null
		for _ in $(seq 50); do [[ -d /proc/$pid ]] || break; sleep 0.1; done
		[[ -d /proc/$pid ]] && kill -9 "$pid" 2>/dev/null
	fi
	rm -f "$pidfile"
}

# tc_owned_pids [STATE [USER]]: the processes the test cluster started that
# stopping its daemons by pid leaves behind, one "PID STARTTIME" a line (the
# start time, in clock ticks since boot, tells a pid reused since). Read-only:
# it lists, tc_kill_owned stops. A process is the cluster's when it is
#   - a descendant of the recorded sshd or slurmd (sessions, job steps),
#   - a slurmstepd (the real binary) of our slurmd: its working directory or
#     an open file is under STATE (slurmd's log, spool) - slurmstepd is
#     double-forked to init, so it is no descendant,
#   - a descendant of such a slurmstepd (the job's processes),
#   - a process of USER whose environment says it came through our sshd
#     (SSH_CONNECTION's server port is ours) or runs in a job of our
#     cluster (SLURM_CLUSTER_NAME): what daemonized out of a session or job.
# Nothing else: not another user's process, not another slurmd's steps, not
# a process that is merely called slurmstepd, not USER's other processes.
tc_owned_pids() {
	local state=${1:-$TC_STATE} user=${2:-$TC_USER}
	local uid="" port="" stepd d pid ppid p
	uid=$(id -u "$user" 2>/dev/null) || uid=""
	[[ -s $state/ssh/port ]] && port=$(tr -dc '0-9' <"$state/ssh/port")
	stepd=$(readlink -f /usr/sbin/slurmstepd 2>/dev/null)
	local -A parent=() mine=()
	local roots=()
	tc_alive "$state/pids/sshd.pid" /usr/sbin/sshd && roots+=("$(tc_pid "$state/pids/sshd.pid")")
	tc_alive "$state/pids/slurmd.pid" /usr/sbin/slurmd && roots+=("$(tc_pid "$state/pids/slurmd.pid")")
	for p in "${roots[@]}"; do mine[$p]=root; done
	# SLURM_CLUSTER_NAME is the same for any state directory: trusted only
	# while this state's slurmd runs (another checkout's STATE must not
	# reach the running cluster's jobs).
	local jobs=0
	tc_alive "$state/pids/slurmd.pid" /usr/sbin/slurmd && jobs=1
	for d in /proc/[0-9]*; do
		pid=${d#/proc/}
		ppid=$(awk '/^PPid:/ {print $2; exit}' "$d/status" 2>/dev/null) || continue
		[[ -n $ppid ]] || continue
		parent[$pid]=$ppid
		if [[ -n $stepd && $(readlink -f "$d/exe" 2>/dev/null) == "$stepd" ]] && _tc_uses_state "$d" "$state"; then
			mine[$pid]=stepd
		elif [[ -n $uid && $(awk '/^Uid:/ {print $2; exit}' "$d/status" 2>/dev/null) == "$uid" ]] && _tc_env_ours "$d" "$port" "$jobs"; then
			mine[$pid]=env
		fi
	done
	for pid in "${!parent[@]}"; do
		[[ $pid == "$$" || $pid == "$BASHPID" ]] && continue
		if [[ -n ${mine[$pid]:-} ]]; then
			[[ ${mine[$pid]} == root ]] && continue # the daemon itself: tc_stop's
			_tc_with_start "$pid"
			continue
		fi
		# A descendant of one of ours? (a loop guard for a racing tree)
		p=${parent[$pid]}
		local hops=0
		while [[ -n $p && $p != 0 && $p != 1 && $hops -lt 64 ]]; do
			if [[ -n ${mine[$p]:-} ]]; then
				_tc_with_start "$pid"
				break
			fi
			p=${parent[$p]:-}
			hops=$((hops + 1))
		done
	done
}

# _tc_uses_state PROCDIR STATE: the process works in or has a file open under STATE.
_tc_uses_state() {
	local d=$1 state=${2%/} fd t
	t=$(readlink "$d/cwd" 2>/dev/null)
	[[ $t == "$state" || $t == "$state"/* ]] && return 0
	for fd in "$d"/fd/*; do
		t=$(readlink "$fd" 2>/dev/null)
		[[ $t == "$state"/* ]] && return 0
	done
	return 1
}

# _tc_env_ours PROCDIR PORT JOBS: came through our sshd (PORT) or runs in
# our cluster's job (when JOBS is 1).
_tc_env_ours() {
	local d=$1 port=$2 jobs=$3
	tr '\0' '\n' 2>/dev/null <"$d/environ" | awk -v port="$port" -v jobs="$jobs" '
		jobs == 1 && /^SLURM_CLUSTER_NAME=srtctltest$/ { found = 1 }
		/^SSH_CONNECTION=/ { n = split(substr($0, 16), f, " "); if (port != "" && n == 4 && f[4] == port) found = 1 }
		END { exit !found }'
}

_tc_with_start() {
	local start
	start=$(awk '{sub(/.*\) /, ""); print $20}' "/proc/$1/stat" 2>/dev/null) || return 0
	[[ -n $start ]] && echo "$1 $start"
}

# tc_kill_owned: TERM the processes listed on stdin by tc_owned_pids (each
# only if its start time is unchanged, so a reused pid is left alone), then
# KILL those still there after 2 s.
tc_kill_owned() {
	local list pid start sig
	list=$(cat)
	for sig in TERM KILL; do
		while read -r pid start; do
			[[ -n $pid ]] || continue
			[[ $(awk '{sub(/.*\) /, ""); print $20}' "/proc/$pid/stat" 2>/dev/null) == "$start" ]] || continue
			kill -s "$sig" "$pid" 2>/dev/null
		done <<<"$list"
		if [[ $sig == TERM ]]; then sleep 2; fi
	done
	return 0
}
