#!/usr/bin/env bash
# How much of the replicas' CPU the JIT compilers take in a window after a warm-up: whether a
# measurement at that warm-up measured the system or its compilation.
#
#   bench/scripts/jit_share.sh [replicas (4)] [warm-up seconds (60)] [window seconds (30)] [clients (30)]
#
# Starts a fresh `bin/bft cluster` of that many replicas, loads it with closed-loop clients, and
# prints the replica processes' CPU in the window and the part of it their C1/C2 compiler threads
# used (from /proc: Linux only), then the load's summary line.
set -euo pipefail
n=${1:-4}
warmup=${2:-60}
window=${3:-30}
clients=${4:-30}
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/bench/scripts/lib/fresh_cluster.sh"
fresh_cluster "$root" --replicas "$n" --clients "$clients"
trap 'kill "$cluster" 2>/dev/null || true; wait "$cluster" 2>/dev/null || true; rm -rf "$dir"' EXIT
"$root/bin/bft" client load --config "$dir/cluster.conf" --clients "$clients" --duration "$((warmup + window))s" \
  > "$dir/load.out" 2> /dev/null &
load=$!
sleep "$warmup"
pids=()
for ((i = 0; i < n; i++)); do pids+=("$(pgrep -f "replica --config $dir/cluster.conf --id $i( |\$)" | head -1)"); done
# total CPU ticks of the replica processes, and of their compiler threads
ticks() {
  local total=0 jit=0 t
  for p in "${pids[@]}"; do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat")))
    for t in /proc/"$p"/task/*; do
      case "$(cat "$t/comm" 2>/dev/null)" in
        C1\ Compiler*|C2\ Compiler*) jit=$((jit + $(sed 's/^.*) //' "$t/stat" | awk '{print $12 + $13}'))) ;;
      esac
    done
  done
  echo "$total $jit"
}
read -r total0 jit0 < <(ticks)
sleep "$window"
read -r total1 jit1 < <(ticks)
hz=$(getconf CLK_TCK)
total=$((total1 - total0))
jit=$((jit1 - jit0))
wait "$load"
echo "# $n replicas, $clients clients, a ${window} s window after ${warmup} s of load, $(date -u +%F) on $(nproc) cores"
awk -v t="$total" -v j="$jit" -v hz="$hz" 'BEGIN { printf "replicas: %.1f s of CPU in the window, %.1f s of it (%.0f %%) in JIT compiler threads\n", t / hz, j / hz, (t > 0 ? 100 * j / t : 0) }'
tail -n 2 "$dir/load.out"
