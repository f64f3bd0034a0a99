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
