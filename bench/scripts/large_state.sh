#!/usr/bin/env bash
# Throughput, latency and memory of four replica processes under puts of unique keys (the state
# grows), for docs/benchmarks.md "State larger than memory":
#   bench/scripts/large_state.sh SERVICE SIZE DURATION [HEAP] [CLIENTS] [--read-back]
# SERVICE kv (LMDB) or kv-heap; SIZE operation bytes (64, 4096, 61440); DURATION e.g. 60s; HEAP a
# -Xmx value (default: the JVM's own); CLIENTS closed-loop client identities (default 8).
# Prints the load's figures, then per replica the highest resident memory seen (VmRSS, and of it
# RssAnon: heap and native memory; the rest is LMDB's file pages, which the kernel may drop), the
# view it ended in, and the size of its data directory. CHECKPOINT=N in the environment sets
# checkpoint.interval (and log.window to twice it).
set -euo pipefail
service=${1:?service}; size=${2:?size}; duration=${3:?duration}; heap=${4:-}; clients=${5:-8}; readback=${6:-}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/bft-large-state.XXXXXX)
base=$(( 20000 + RANDOM % 20000 ))
"$root/bin/bft" keygen --out "$work" --clients "$clients" --base-port "$base" >/dev/null
if [ -n "${CHECKPOINT:-}" ]; then # CHECKPOINT=16: a checkpoint every 16 batches, a log window of 32
  sed -i "s/^checkpoint.interval = .*/checkpoint.interval = $CHECKPOINT/; s/^log.window = .*/log.window = $((2 * CHECKPOINT))/" \
    "$work/cluster.conf"
fi
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for i in 0 1 2 3; do
  JAVA_OPTS="${heap:+-Xmx$heap}" BFT_NO_BUILD=1 "$root/bin/bft" replica --config "$work/cluster.conf" --id "$i" \
    --service "$service" >"$work/replica-$i.log" 2>&1 &
  pids+=($!)
done
for i in 0 1 2 3; do
  until grep -q " running on " "$work/replica-$i.log"; do sleep 0.2; done
done
jvm() { local p=$1; pgrep -P "$p" java || echo "$p"; }
declare -A rss anon
for i in 0 1 2 3; do rss[$i]=0; anon[$i]=0; done
sample() {
  while :; do
    for i in 0 1 2 3; do
      local pid; pid=$(jvm "${pids[$i]}")
      local r a
      r=$(awk '/^VmRSS:/{print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
      a=$(awk '/^RssAnon:/{print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
      echo "$i $r $a"
    done
    sleep 2
  done
}
sample >"$work/rss" &
sampler=$!
BFT_NO_BUILD=1 "$root/bin/bft" client load --config "$work/cluster.conf" --clients "$clients" --keys unique \
  --size "$size" --duration "$duration" ${readback:+--read-back}
kill "$sampler"
printf 'replica  max VmRSS MiB  max RssAnon MiB  view  data MiB\n'
for i in 0 1 2 3; do
  r=$(awk -v i="$i" '$1==i && $2>m {m=$2} END {print int(m/1024)}' "$work/rss")
  a=$(awk -v i="$i" '$1==i && $3>m {m=$3} END {print int(m/1024)}' "$work/rss")
  port=$(( base + 4 + i ))
  view=$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^bft_view/{print $2}')
  data=$(du -sm "$work/data/replica-$i" | cut -f1)
  printf '%-8s %-14s %-16s %-5s %s\n' "$i" "$r" "$a" "${view:-?}" "$data"
done
