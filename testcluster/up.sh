# Brings up the test cluster (see start.sh) and exports its SRTCTL_TEST_*
# variables into the calling shell. Meant to be sourced from bash, including
# under set -euo pipefail:  source testcluster/up.sh
# Run directly (bash testcluster/up.sh) it brings the cluster up and prints
# where the variables are; tests read them from that file when they are not
# in their environment.
# shellcheck shell=bash
_srtctl_tc_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if bash "$_srtctl_tc_here/start.sh"; then
	# shellcheck source=/dev/null
	. "${SRTCTL_TEST_CLUSTER_DIR:-/tmp/srtctl-test-cluster}/env"
	unset _srtctl_tc_here
else
	unset _srtctl_tc_here
	# return when sourced, exit when run.
	return 1 2>/dev/null || exit 1
fi
