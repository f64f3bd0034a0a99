#!/usr/bin/env bash
# The whole test suite, from a fresh Debian machine: installs what is missing
# (Debian packages, Go modules), brings up the test cluster (SLURM + sshd on
# 127.0.0.1), runs go vet, the tests with -race, and short fuzz runs, then
# stops the cluster. This is the README's test command and what .ci/run runs.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# A count, not a duration: with a duration, Go 1.26's fuzz coordinator can
# fail a target with a bare "context deadline exceeded" at the deadline when
# the machine is busy (golang/go#75804, fixed in Go 1.27), and CI did. 50000
# runs take 2-8 s per target here. FUZZTIME=30s still works for a longer local run.
FUZZTIME=${FUZZTIME:-50000x}

echo "== installing what is missing"
bash testcluster/install.sh

echo "== go modules"
go mod download

echo "== building"
go build -o "$root/bin/srtctl-tui" .

echo "== test cluster"
# shellcheck disable=SC1091
source testcluster/up.sh
trap 'bash "$root/testcluster/down.sh"' EXIT

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [[ -n $unformatted ]]; then
	echo "not gofmt-formatted (run gofmt -w):" >&2
	echo "$unformatted" >&2
	exit 1
fi

echo "== go vet"
go vet ./...

echo "== go test -race"
go test -race -count=1 -timeout 20m ./...

echo "== fuzz ($FUZZTIME each)"
# Every Fuzz* target in the tree, one at a time (go test -fuzz takes one).
targets=()
while read -r pkg dir; do
	for fz in $( (cat "$dir"/*_test.go 2>/dev/null || true) | sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p'); do
		targets+=("$pkg $fz")
	done
done < <(go list -f '{{.ImportPath}} {{.Dir}}' ./...)
if ((${#targets[@]} == 0)); then
	echo "no fuzz targets found" >&2
	exit 1
fi
for t in "${targets[@]}"; do
	read -r pkg fz <<<"$t"
	echo "-- $pkg $fz"
	go test -run '^$' -fuzz "^${fz}\$" -fuzztime "$FUZZTIME" "$pkg"
done
echo "${#targets[@]} fuzz targets ran ($FUZZTIME each)"

echo "== all tests passed"
