#!/usr/bin/env bash
# The wide-area table of docs/benchmarks.md ("Wide-area latency"), in one command:
#   bench/scripts/wan_sweep.sh [OUT_DIR]        (about 15 minutes; OUT_DIR defaults to bft-wan)
# Every point runs `bft bench` on four fresh local replica processes whose links (replica to
# replica, client to replica) all cross delay relays of the given round trip ("none": no relays at
# all, to see what the relays themselves cost against "0"). Environment:
# RTTS (default "none 0 10ms 40ms 100ms"), RATE (open-loop ops/s, default 200), CLIENTS (default 30,100),
# WARMUP (default 30s), DURATION (default 20s). Prints the machine's load before each run and a
# markdown table at the end (also in OUT_DIR/table.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-bft-wan}
rtts=${RTTS:-"none 0 10ms 40ms 100ms"}
rate=${RATE:-200}
clients=${CLIENTS:-30,100}
common=(--clients "$clients" --attack-clients 30 --attacks none --durabilities none --tls none
        --warmup "${WARMUP:-30s}" --duration "${DURATION:-20s}")
mkdir -p "$out"

run() { # name, then bft bench options
  local name=$1; shift
  echo "== $name: bft bench ${common[*]} $*" | tee "$out/$name.txt"
  echo "   load before: $(uptime)" | tee -a "$out/$name.txt"
  bin/bft bench "${common[@]}" "$@" --dir "$out/$name" 2>&1 | tee -a "$out/$name.txt"
}

for rtt in $rtts; do
  extra=(--batch-sizes none)
  [ "$rtt" = 40ms ] && extra+=(--view-change)
  [ "$rtt" = 100ms ] && extra=(--batch-sizes 1)
  if [ "$rtt" = none ]; then
    run "rtt-none" --rate "$rate" "${extra[@]}"
  else
    run "rtt-$rtt" --rtt "$rtt" --rate "$rate" "${extra[@]}"
  fi
done
# One consensus at a time: the same points at 100 ms with pipeline.depth = 1.
run "rtt-100ms-depth-1" --rtt 100ms --rate "$rate" --batch-sizes 1 --set pipeline.depth=1

python3 - "$out" <<'PY' | tee "$out/table.md"
import csv, glob, os, sys
out = sys.argv[1]
print("| run | rtt ms | batch.size | load | clients | ops/s | p50 ms | p99 ms |")
print("|---|---:|---:|---|---:|---:|---:|---:|")
# in the order they ran
for d in sorted(glob.glob(os.path.join(out, "rtt-*/")), key=lambda d: os.path.getmtime(d.rstrip("/") + ".txt")):
    name = os.path.basename(d.rstrip("/"))
    for r in csv.DictReader(open(os.path.join(d, "throughput.csv"))):
        print(f"| {name} {r['scenario']} | {r['rtt_ms'] or 'no relays'} | {r['batch_size']} | closed | {r['clients']} | {float(r['ops_per_s']):.0f} | {float(r['p50_ms']):.1f} | {float(r['p99_ms']):.1f} |")
    p = os.path.join(d, "open-loop.csv")
    if os.path.exists(p):
        for r in csv.DictReader(open(p)):
            print(f"| {name} {r['scenario']} | {r['rtt_ms'] or 'no relays'} | {r['batch_size']} | open {float(r['rate']):.0f}/s | {r['clients']} | {float(r['ops_per_s']):.0f} | {float(r['p50_ms']):.1f} | {float(r['p99_ms']):.1f} |")
    p = os.path.join(d, "view-change.csv")
    if os.path.exists(p):
        for r in csv.DictReader(open(p)):
            print(f"| {name} view change (primary {r['killed']} killed) | {r['rtt_ms']} | | closed | {r['clients']} | first op of the new view {float(r['new_view_first_op_ms']):.0f} ms after the kill | | |")
PY
