#!/usr/bin/env bash
# Writes shell completions into completions/ for release archives and packages.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p completions
for sh in bash zsh fish; do
	go run . completion "$sh" > "completions/srtctl-tui.$sh"
done
