#!/usr/bin/env bash
# Brings up the test cluster on 127.0.0.1: munge, MariaDB and slurmdbd
# (accounting, for sacct), slurmctld and slurmd (one
# node "localhost", CPUs=8, 4 fake GPUs), an sshd on a spare port with the
# test user, key authentication, a known_hosts file and an ssh config with the
# alias srtctl-test, and the simulated srtctl (bin/srtctl-tui under the name
# srtctl) on the test user's PATH. Writes the variables tests need to
# $TC_STATE/env. Each daemon is started only when it is not already running,
# so running this again while the cluster is up refreshes the binary and the
# configuration and costs well under a second.
#
# Run through up.sh (which also exports the variables), not directly.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
# shellcheck source=testcluster/common.sh
. "$here/common.sh"

if [[ $(id -u) -ne 0 ]]; then
	echo "testcluster: must run as root (it starts SLURM daemons and an sshd)" >&2
	exit 1
fi

fail() {
	echo "testcluster: $*" >&2
	for f in "$TC_STATE"/log/*.log "$TC_STATE"/munge/*.log; do
		[[ -s $f ]] || continue
		echo "--- last lines of $f" >&2
		tail -n 15 "$f" >&2
	done
	exec 9>&- # release the start lock; down.sh takes it
	bash "$here/down.sh" >/dev/null 2>&1 || true
	exit 1
}

# wait_for SECONDS DESCRIPTION COMMAND...: poll COMMAND every 0.1 s.
wait_for() {
	local secs=$1 what=$2
	shift 2
	local deadline=$((SECONDS + secs))
	until "$@" >/dev/null 2>&1; do
		((SECONDS < deadline)) || fail "timed out after ${secs}s waiting for $what"
		sleep 0.1
	done
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# daemon_port PIDFILE EXE PORTFILE FIRST WHAT: the port the running daemon
# listens on (from PORTFILE), else the first free one from FIRST on,
# recorded in PORTFILE.
daemon_port() {
	local pidfile=$1 exe=$2 portfile=$3 first=$4 what=$5 p
	if tc_alive "$pidfile" "$exe" && [[ -s $portfile ]]; then
		cat "$portfile"
		return
	fi
	for p in $(seq "$first" $((first + 100))); do
		if port_free "$p"; then
			echo "$p" >"$portfile"
			echo "$p"
			return
		fi
	done
	fail "no free port in $first-$((first + 100)) for $what"
}

# One start or stop at a time: test packages may bring the cluster up in
# parallel when run by hand.
exec 9>"${TC_STATE%/}.lock"
flock -w 120 9 || { echo "testcluster: another start/stop holds ${TC_STATE%/}.lock" >&2; exit 1; }

mkdir -p "$TC_STATE"/{pids,log,slurm/state,slurm/spool,gpu,ssh}
chmod 755 "$TC_STATE"

# ---- the simulated srtctl ------------------------------------------------
binary=$repo/bin/srtctl-tui
if [[ ! -x $binary ]]; then
	(cd "$repo" && go build -o "$binary" .) || fail "cannot build $binary"
fi
mkdir -p "$TC_BIN"
# Copy then rename: a running job may be executing the old binary.
cp "$binary" "$TC_BIN/.srtctl-tui.new"
chmod 755 "$TC_BIN/.srtctl-tui.new"
mv -f "$TC_BIN/.srtctl-tui.new" "$TC_BIN/srtctl-tui"
ln -sfn srtctl-tui "$TC_BIN/srtctl"

# ---- test user -------------------------------------------------------------
if ! id "$TC_USER" >/dev/null 2>&1; then
	useradd -m -s /bin/bash "$TC_USER"
fi
# A password of its own, kept in the state directory (root only): keys are
# what the tests use, but the tests of ssh's own prompts (a password typed
# into the terminal handed to ssh) need one. Setting it also lifts the lock
# useradd leaves ('!'), which with UsePAM no would refuse even key logins.
pw_file=$TC_STATE/ssh/password
if [[ ! -s $pw_file ]]; then
	(umask 077 && head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$pw_file")
fi
printf '%s:%s\n' "$TC_USER" "$(cat "$pw_file")" | chpasswd
home=$(getent passwd "$TC_USER" | cut -d: -f6)
root_dir=$home/srt-slurm

# ---- munge -----------------------------------------------------------------
mkdir -p /run/munge
chown munge:munge /run/munge
chmod 755 /run/munge
if [[ ! -s /etc/munge/munge.key ]]; then
	dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null
	chown munge:munge /etc/munge/munge.key
	chmod 400 /etc/munge/munge.key
fi
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
	# munged runs as munge and writes its pid and log files as munge.
	install -d -m 755 -o munge -g munge "$TC_STATE/munge"
	setpriv --reuid=munge --regid=munge --init-groups /usr/sbin/munged 9>&- \
		--pid-file="$TC_STATE/munge/munged.pid" --log-file="$TC_STATE/munge/munged.log" ||
		fail "munged did not start"
	wait_for 10 "munge" bash -c 'munge -n | unmunge'
fi

# ---- SLURM -----------------------------------------------------------------
for i in 0 1 2 3; do
	[[ -c $TC_STATE/gpu/nvidia$i ]] || mknod "$TC_STATE/gpu/nvidia$i" c 1 3
done
comm_params=""
# NoInAddrAny binds to what the hostname resolves to, so use it only when
# that is loopback; otherwise the daemons would listen on 0.0.0.0.
if getent hosts "$(hostname)" | awk '{print $1}' | grep -q '^127\.'; then
	comm_params="CommunicationParameters=NoInAddrAny,NoCtldInAddrAny"
fi
if ! ip -4 addr 2>/dev/null | grep -v ' 127\.' | grep -q 'inet '; then
	comm_params="CommunicationParameters=EnableIPv6"
fi
mkdir -p /etc/slurm
slurm_conf=$(
	cat <<CONF
# Written by srtctl-tui testcluster/start.sh: a one-node test cluster.
ClusterName=srtctltest
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=root
SlurmctldPort=6817
SlurmdPort=6818
AuthType=auth/munge
StateSaveLocation=$TC_STATE/slurm/state
SlurmdSpoolDir=$TC_STATE/slurm/spool
SlurmctldPidFile=$TC_STATE/pids/slurmctld.pid
SlurmdPidFile=$TC_STATE/pids/slurmd.pid
SlurmctldLogFile=$TC_STATE/log/slurmctld.log
SlurmdLogFile=$TC_STATE/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
GresTypes=gpu
MailProg=/bin/true
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
AccountingStoragePort=6819
SlurmdParameters=config_overrides
${comm_params}
NodeName=localhost NodeAddr=127.0.0.1 NodeHostname=localhost CPUs=8 Gres=gpu:4 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
)

# ---- accounting: MariaDB and slurmdbd --------------------------------------
# Real clusters keep accounting: sacct is how srtctl-tui learns how a job
# ended once it left the queue. MariaDB keeps everything under $db (owned by
# mysql: it writes its pid, log and socket there) and listens on 127.0.0.1.
db=$TC_STATE/mysql
install -d -m 755 -o mysql -g mysql "$db"
if [[ ! -d $db/data/mysql ]]; then
	mariadb-install-db --no-defaults --user=mysql --datadir="$db/data" --auth-root-authentication-method=socket \
		--skip-test-db >"$TC_STATE/log/mariadb-install.log" 2>&1 || fail "mariadb-install-db failed"
fi
db_sql() { mariadb --no-defaults --socket="$db/mysqld.sock" "$@"; }
db_port=$(daemon_port "$db/mariadbd.pid" /usr/sbin/mariadbd "$db/port" 23306 MariaDB)
if ! tc_alive "$db/mariadbd.pid" /usr/sbin/mariadbd; then
	rm -f "$db/mysqld.sock"
	setsid /usr/sbin/mariadbd --no-defaults --user=mysql --datadir="$db/data" --socket="$db/mysqld.sock" \
		--pid-file="$db/mariadbd.pid" --log-error="$db/mariadbd.log" --bind-address=127.0.0.1 --port="$db_port" \
		--skip-name-resolve --innodb-buffer-pool-size=32M --innodb-lock-wait-timeout=900 \
		</dev/null >/dev/null 2>&1 9>&- &
	wait_for 30 "MariaDB" db_sql -e 'select 1'
fi
db_pass_file=$TC_STATE/slurm/dbpass
if [[ ! -s $db_pass_file ]]; then
	(umask 077 && head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$db_pass_file")
fi
db_pass=$(cat "$db_pass_file")
db_sql -e "CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY '$db_pass';
ALTER USER 'slurm'@'127.0.0.1' IDENTIFIED BY '$db_pass';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';" || fail "cannot create the slurm database user"

dbd_conf=$(
	cat <<CONF
# Written by srtctl-tui testcluster/start.sh.
AuthType=auth/munge
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort=6819
SlurmUser=root
PidFile=$TC_STATE/pids/slurmdbd.pid
LogFile=$TC_STATE/log/slurmdbd.log
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$db_port
StorageUser=slurm
StoragePass=$db_pass
StorageLoc=slurm_acct_db
CONF
)
mkdir -p /etc/slurm
restart_dbd=0
if [[ $(cat /etc/slurm/slurmdbd.conf 2>/dev/null) != "$dbd_conf" ]]; then
	(umask 077 && printf '%s\n' "$dbd_conf" >/etc/slurm/slurmdbd.conf)
	restart_dbd=1
fi
chmod 600 /etc/slurm/slurmdbd.conf
if ((restart_dbd)) && tc_alive "$TC_STATE/pids/slurmdbd.pid" /usr/sbin/slurmdbd; then
	tc_stop "$TC_STATE/pids/slurmdbd.pid" /usr/sbin/slurmdbd
fi
if ! tc_alive "$TC_STATE/pids/slurmdbd.pid" /usr/sbin/slurmdbd; then
	/usr/sbin/slurmdbd 9>&- || fail "slurmdbd did not start"
	wait_for 30 "slurmdbd on port 6819" bash -c 'exec 3<>/dev/tcp/127.0.0.1/6819'
fi

# A changed slurm.conf (another checkout's, or one from before accounting)
# needs the daemons restarted: jobs survive in the state save.
restart_slurm=0
if [[ $(cat /etc/slurm/slurm.conf 2>/dev/null) != "$slurm_conf" ]]; then
	restart_slurm=1
fi
printf '%s\n' "$slurm_conf" >/etc/slurm/slurm.conf
if ((restart_slurm)); then
	tc_stop "$TC_STATE/pids/slurmd.pid" /usr/sbin/slurmd
	tc_stop "$TC_STATE/pids/slurmctld.pid" /usr/sbin/slurmctld
fi
# The cluster, an account and the users that submit, once.
if [[ -z $(sacctmgr -n -P list cluster format=cluster 2>/dev/null | grep -x srtctltest) ]]; then
	sacctmgr -i add cluster srtctltest >/dev/null || fail "sacctmgr add cluster failed"
fi
if [[ -z $(sacctmgr -n -P list assoc user="$TC_USER" format=user 2>/dev/null) ]]; then
	sacctmgr -i add account srtctltest Description=srtctl-tui-tests Organization=srtctl-tui >/dev/null 2>&1 || true
	sacctmgr -i add user "$TC_USER",root account=srtctltest >/dev/null || fail "sacctmgr add user failed"
fi
printf 'CgroupPlugin=cgroup/v1\n' >/etc/slurm/cgroup.conf
printf 'AutoDetect=off\nNodeName=localhost Name=gpu File=%s/gpu/nvidia[0-3]\n' "$TC_STATE" >/etc/slurm/gres.conf

if ! tc_alive "$TC_STATE/pids/slurmctld.pid" /usr/sbin/slurmctld; then
	if ! /usr/sbin/slurmctld 9>&-; then
		# A state save from another SLURM version or a broken one: start clean.
		/usr/sbin/slurmctld -c 9>&- || fail "slurmctld did not start"
	fi
	wait_for 15 "slurmctld" scontrol ping
fi
if ! tc_alive "$TC_STATE/pids/slurmd.pid" /usr/sbin/slurmd; then
	/usr/sbin/slurmd -N localhost 9>&- || fail "slurmd did not start"
fi
node_ready() {
	local st
	st=$(sinfo -h -N -n localhost -o %t 2>/dev/null)
	case $st in
	idle* | mix* | alloc*) return 0 ;;
	drain* | down*) scontrol update nodename=localhost state=resume >/dev/null 2>&1 ;;
	esac
	return 1
}
wait_for 20 "the SLURM node to become idle" node_ready

# ---- sshd ------------------------------------------------------------------
ssh_dir=$TC_STATE/ssh
[[ -s $ssh_dir/host_ed25519_key ]] || ssh-keygen -q -t ed25519 -N '' -C srtctl-test-host -f "$ssh_dir/host_ed25519_key"
[[ -s $ssh_dir/id_ed25519 ]] || ssh-keygen -q -t ed25519 -N '' -C srtctl-test-client -f "$ssh_dir/id_ed25519"

port=$(daemon_port "$TC_STATE/pids/sshd.pid" /usr/sbin/sshd "$ssh_dir/port" 22022 sshd)

cat >"$ssh_dir/sshd_config.new" <<CONF
# Written by srtctl-tui testcluster/start.sh.
Port $port
ListenAddress 127.0.0.1
HostKey $ssh_dir/host_ed25519_key
PidFile $TC_STATE/pids/sshd.pid
AuthorizedKeysFile .ssh/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin no
AllowUsers $TC_USER
PermitUserEnvironment yes
LogLevel VERBOSE
MaxStartups 100:30:200
MaxSessions 64
Subsystem sftp /usr/lib/openssh/sftp-server
CONF

user_ssh=$home/.ssh
install -d -m 700 -o "$TC_USER" -g "$TC_USER" "$user_ssh"
install -m 600 -o "$TC_USER" -g "$TC_USER" "$ssh_dir/id_ed25519.pub" "$user_ssh/authorized_keys.base"
# Tests may add keys of their own to authorized_keys; keep them and make
# sure the cluster's key is there.
touch "$user_ssh/authorized_keys"
grep -qxF "$(cat "$ssh_dir/id_ed25519.pub")" "$user_ssh/authorized_keys" ||
	cat "$ssh_dir/id_ed25519.pub" >>"$user_ssh/authorized_keys"
rm -f "$user_ssh/authorized_keys.base"
chown "$TC_USER:$TC_USER" "$user_ssh/authorized_keys"
chmod 600 "$user_ssh/authorized_keys"
# Non-interactive ssh commands do not read the profile: PATH comes from here
# (PermitUserEnvironment yes above). sbatch passes it on to the jobs.
printf 'PATH=%s:/usr/local/bin:/usr/bin:/bin\n' "$TC_BIN" >"$user_ssh/environment"
chown "$TC_USER:$TC_USER" "$user_ssh/environment"
chmod 600 "$user_ssh/environment"

mkdir -p /run/sshd
chmod 755 /run/sshd
# A running sshd re-reads its configuration only when it changed: a HUP
# makes it re-exec, refusing connections for a moment, and other test runs
# may be using it.
sshd_changed=0
if ! cmp -s "$ssh_dir/sshd_config.new" "$ssh_dir/sshd_config"; then sshd_changed=1; fi
mv -f "$ssh_dir/sshd_config.new" "$ssh_dir/sshd_config"
if tc_alive "$TC_STATE/pids/sshd.pid" /usr/sbin/sshd; then
	if ((sshd_changed)); then kill -HUP "$(tc_pid "$TC_STATE/pids/sshd.pid")"; fi
else
	/usr/sbin/sshd -f "$ssh_dir/sshd_config" -E "$TC_STATE/log/sshd.log" 9>&- || fail "sshd did not start"
fi
wait_for 10 "sshd on port $port" bash -c "exec 3<>/dev/tcp/127.0.0.1/$port"

# known_hosts from the host key itself (no network round trip to trust).
printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1,2 "$ssh_dir/host_ed25519_key.pub")" >"$ssh_dir/known_hosts"
cat >"$ssh_dir/config" <<CONF
# Written by srtctl-tui testcluster/start.sh: use with ssh -F this-file.
Host $TC_HOST_ALIAS
	HostName 127.0.0.1
	Port $port
	User $TC_USER
	IdentityFile $ssh_dir/id_ed25519
	IdentitiesOnly yes
	UserKnownHostsFile $ssh_dir/known_hosts
	GlobalKnownHostsFile /dev/null
	StrictHostKeyChecking yes
	BatchMode yes
CONF
chmod 644 "$ssh_dir/config" "$ssh_dir/known_hosts"
chmod 600 "$ssh_dir/id_ed25519"

# ---- the cluster's srtctl_root ----------------------------------------------
# Real traces beside the checkout (../shared/traces) when there are; else the
# stand-in's built-in real traces (simulation.traces empty), as in a plain
# clone.
traces=""
if [[ -d $repo/../shared/traces ]]; then
	traces=$(cd "$repo/../shared/traces" && pwd)
fi
install -d -m 755 -o "$TC_USER" -g "$TC_USER" "$root_dir" "$root_dir/logs" "$root_dir/jobs"
cat >"$root_dir/srtslurm.yaml" <<CONF
# Written by srtctl-tui testcluster/start.sh.
srtctl_root: "$root_dir"
simulation:
  traces: "$traces"
  pace: 1.0
CONF
chown "$TC_USER:$TC_USER" "$root_dir/srtslurm.yaml"

# ---- smoke test: the alias, the key, PATH and SLURM over ssh ----------------
out=$(timeout 20 ssh -F "$ssh_dir/config" "$TC_HOST_ALIAS" 'command -v srtctl && squeue -h -o %i >/dev/null && echo smoke-ok' 2>&1) ||
	fail "ssh smoke test failed: $out"
[[ $out == *"$TC_BIN/srtctl"*smoke-ok* ]] || fail "ssh smoke test: unexpected output: $out"

tmp_env=$TC_ENV.tmp
cat >"$tmp_env" <<ENV
export SRTCTL_TEST_CLUSTER_DIR='$TC_STATE'
export SRTCTL_TEST_STATE='$TC_STATE'
export SRTCTL_TEST_SSH_CONFIG='$ssh_dir/config'
export SRTCTL_TEST_HOST='$TC_HOST_ALIAS'
export SRTCTL_TEST_PORT='$port'
export SRTCTL_TEST_USER='$TC_USER'
export SRTCTL_TEST_HOME='$home'
export SRTCTL_TEST_ROOT='$root_dir'
export SRTCTL_TEST_SSH_KEY='$ssh_dir/id_ed25519'
export SRTCTL_TEST_PASSWORD_FILE='$pw_file'
export SRTCTL_TEST_KNOWN_HOSTS='$ssh_dir/known_hosts'
export SRTCTL_TEST_SSHD_LOG='$TC_STATE/log/sshd.log'
export SRTCTL_TEST_BIN='$TC_BIN'
export SRTCTL_TEST_TRACES='$traces'
ENV
mv -f "$tmp_env" "$TC_ENV"
echo "testcluster: up (sshd 127.0.0.1:$port, alias $TC_HOST_ALIAS, root $root_dir, env $TC_ENV)"
