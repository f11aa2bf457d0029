# Sourced by the measurement scripts beside it: a fresh `bin/bft cluster` (new keys, data and JVMs)
# in a new temporary directory.
#
#   fresh_cluster ROOT [bft keygen options...]
#
# Returns once the cluster prints that it runs, with `dir` set to its directory and `cluster` to
# the PID of `bin/bft cluster` (stop it with `kill "$cluster"`: it stops its replicas).
fresh_cluster() {
  local root=$1
  shift
  dir=$(mktemp -d /tmp/bft-fresh.XXXXXX)
  "$root/bin/bft" keygen --out "$dir" --base-port $((20000 + RANDOM % 20000)) "$@" > /dev/null
  "$root/bin/bft" cluster --dir "$dir" > "$dir/cluster.out" 2>&1 &
  cluster=$!
  until grep -q "the cluster keeps running" "$dir/cluster.out"; do
    if ! kill -0 "$cluster" 2>/dev/null; then cat "$dir/cluster.out" >&2; exit 1; fi
    sleep 0.05
  done
}
