#!/usr/bin/env bash
# Installs the Debian packages the test cluster needs (SLURM controller,
# node and accounting daemons, SLURM client commands, MariaDB for the
# accounting, munge, OpenSSH server, tmux; python3 for the trace tests, which
# compare with the reference script), only when one is missing, so a second
# run costs a few milliseconds.
#
# apt starts the services it installs unless /usr/sbin/policy-rc.d says no
# (it would start sshd on 0.0.0.0:22); a temporary policy-rc.d that exits 101
# is put in place around the install when none exists.
set -euo pipefail

# gcc and libc6-dev: go test -race needs cgo.
packages=(slurmctld slurmd slurmdbd slurm-client munge mariadb-server openssh-server tmux gcc libc6-dev)

missing=()
for p in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	if [[ $status != "install ok installed" ]]; then
		missing+=("$p")
	fi
done
# Any python3 will do (this image's comes from pyenv, not from a package).
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if ((${#missing[@]} == 0)); then
	exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
	echo "testcluster/install.sh: missing packages (${missing[*]}); run as root or install them" >&2
	exit 1
fi

echo "testcluster: installing ${missing[*]}"
policy=/usr/sbin/policy-rc.d
own_policy=0
if [[ ! -e $policy ]]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 755 "$policy"
	own_policy=1
fi
cleanup() { if ((own_policy)); then rm -f "$policy"; fi; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
# Only refresh the package lists when they are missing or the install fails
# with them as they are (a fresh image has none).
if ! apt-get install -y --no-install-recommends "${missing[@]}"; then
	apt-get update -q
	apt-get install -y --no-install-recommends "${missing[@]}"
fi
