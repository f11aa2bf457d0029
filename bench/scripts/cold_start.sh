#!/usr/bin/env bash
# A cold cluster's curve: operations completed in each second from the moment `bin/bft cluster`
# prints that the cluster runs (its demo done), under closed-loop clients started right then.
#
#   bench/scripts/cold_start.sh [clients (30)] [seconds (90)] [warm ops/s to compare with]
#
# Prints "<seconds since the cluster said it runs> <ops in that second>" lines, then when the first
# 5-second window whose mean reached 80 % of the warm figure began (when one is given: what
# `bft bench --clients N` measured after its warm-up). Each run starts fresh JVMs, keys and data.
set -euo pipefail
clients=${1:-30}
seconds=${2:-90}
warm=${3:-}
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/bench/scripts/lib/fresh_cluster.sh"
fresh_cluster "$root" --clients "$clients"
trap 'kill "$cluster" 2>/dev/null || true; wait "$cluster" 2>/dev/null || true' EXIT
runs=$(date +%s.%N)
"$root/bin/bft" client load --config "$dir/cluster.conf" --clients "$clients" --duration "${seconds}s" --per-second \
  > "$dir/load.out" 2> "$dir/load.err" &
load=$!
# the load's own first second is when its JVM has started and connected: count from the cluster's line
until [ -s "$dir/load.out" ] || ! kill -0 "$load" 2>/dev/null; do sleep 0.05; done
first=$(date +%s.%N)
wait "$load"
offset=$(echo "$first - $runs - 1" | bc)
echo "# $clients closed-loop clients on a fresh 4-replica cluster (bin/bft cluster defaults), $(date -u +%F) on $(nproc) cores"
echo "# the load's first second ended $(printf '%.1f' "$(echo "$offset + 1" | bc)") s after the cluster printed that it runs"
awk -v off="$offset" '/^[0-9]+ [0-9]+$/ { printf "%.0f %d\n", $1 + off, $2 }' "$dir/load.out"
tail -n 2 "$dir/load.out"
if [ -n "$warm" ]; then
  awk -v off="$offset" -v warm="$warm" '/^[0-9]+ [0-9]+$/ { t[n] = $1 + off; v[n++] = $2 }
    END { for (i = 0; i + 5 <= n; i++) { s = 0; for (j = i; j < i + 5; j++) s += v[j];
            if (s / 5 >= 0.8 * warm) { printf "80%% of %d ops/s (5-second mean) from %.0f s\n", warm, t[i] - 1; exit } }
          printf "never reached 80%% of %d ops/s\n", warm }' "$dir/load.out"
fi
[ -n "${KEEP:-}" ] && echo "# kept $dir" || rm -rf "$dir"
