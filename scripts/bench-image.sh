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
# ROUNDS (default 3) interleaved rounds of: native with an empty cache
# (no packages, no kept stage-1 image), native with a warm cache (both),
# mmdebstrap; then the medians. The engine's
# image import slows down as the VM's page cache grows (here: 2.6 s for
# 250 MB on a fresh boot, 9 s twenty minutes later, back to 4 s after
# dropping caches), so only builds timed in the same run compare.
rounds=${ROUNDS:-3}
declare -A times
measure() { # key, label, command...
	local key=$1 label=$2; shift 2
	/usr/bin/time -f "%e %M" "$@" >/dev/null 2>/tmp/bench-image.$$ || { cat /tmp/bench-image.$$; exit 1; }
	read -r secs rss < <(tail -1 /tmp/bench-image.$$)
	echo "$label: $secs s, peak RSS $rss kB"
	times[$key]+="$secs "
}
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
have_mm=false
command -v mmdebstrap >/dev/null && have_mm=true
$have_mm || echo "mmdebstrap not installed: no comparison"
for r in $(seq "$rounds"); do
	echo "round $r"
	rm -rf "$cache" && mkdir -p "$cache"
	# Empty means empty: no kept stage-1 image either.
	docker images --filter label=io.labdojo.image=build -q | sort -u | xargs -r docker rmi -f >/dev/null
	DOJO_CACHE_DIR=$cache measure cold "native, empty cache" "$bin" -q image build --builder native --force
	DOJO_CACHE_DIR=$cache measure warm "native, warm cache " "$bin" -q image build --builder native --force
	if $have_mm; then
		measure mm "mmdebstrap         " "$bin" -q image build --builder mmdebstrap --force
	fi
done
export DOJO_CACHE_DIR=$cache
variant=$("$bin" -q image build --packages postgresql)
docker rmi "$variant" >/dev/null
measure variant "postgresql variant " "$bin" -q image build --packages postgresql
cold=$(median <<<"${times[cold]}")
warm=$(median <<<"${times[warm]}")
echo "medians of $rounds rounds: native empty cache $cold s, warm cache $warm s"
if $have_mm; then
	mm=$(median <<<"${times[mm]}")
	echo "mmdebstrap $mm s: native empty cache / mmdebstrap = $(awk -v a="$cold" -v b="$mm" 'BEGIN {printf "%.2f", a/b}')"
fi
