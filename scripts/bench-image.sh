#!/usr/bin/env bash
# Measures node image builds (README, Benchmarks): the native bootstrap with
# an empty cache and with a warm cache, a postgresql variant on a cached
# base, and mmdebstrap in the same run for comparison. Peak RSS comes from
# GNU time. Run it alone on the machine (hold the Docker lock on shared
# machines: flock /tmp/labdojo-docker.lock scripts/bench-image.sh).
# The reference package set of the integration test
# (internal/image/testdata/mmdebstrap-minbase-packages.txt) comes from
#   mmdebstrap --variant=minbase --include=<image.Packages, comma-separated> \
#     --format=tar bookworm - | tar -xOf - ./var/lib/dpkg/status |
#     awk '/^Package:/{print $2}' | sort
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(mktemp -d)/dojo
go build -o "$bin" ./cmd/dojo
cache=$(mktemp -d)
trap 'rm -rf "$cache" "$(dirname "$bin")"' EXIT
measure() { # label, command...
	local label=$1; shift
	/usr/bin/time -f "$label: %e s, peak RSS %M kB" "$@" >/dev/null 2>/tmp/bench-image.$$ || { cat /tmp/bench-image.$$; exit 1; }
	tail -1 /tmp/bench-image.$$
}
export DOJO_CACHE_DIR=$cache
measure "native, empty cache" "$bin" -q image build --builder native --force
measure "native, warm cache " "$bin" -q image build --builder native --force
variant=$("$bin" -q image build --packages postgresql)
docker rmi "$variant" >/dev/null
measure "postgresql variant " "$bin" -q image build --packages postgresql
if command -v mmdebstrap >/dev/null; then
	measure "mmdebstrap         " "$bin" -q image build --builder mmdebstrap --force
else
	echo "mmdebstrap not installed: no comparison"
fi
