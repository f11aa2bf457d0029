#!/usr/bin/env bash
# Starts four replicas and a client from the image's own layers, without a container runtime, as
# far as a machine without one allows (docs/deploy.md): the layers of a jib tarball unpacked into a
# root file system; each "container" a private mount namespace chrooted into it, with the mounts a
# deployment gives (cluster file and key read-only at /etc/bft, a data directory made like a fresh
# named volume) and the image's entrypoint, command and user from its config.json. The Java runtime
# the base image would bring is the host's JDK, bind-mounted where eclipse-temurin keeps its own.
# The four share the host's network, so they need four ports; /etc/hosts maps bft-0..3 to loopback.
#   bench/scripts/run-image-without-runtime.sh [TARBALL]    (default bench/target/bft-image-scratch.tar; as root)
# Exits 0 when a put and a get went through the replicas and 'bft status' saw all four up.
set -euo pipefail
root_dir="$(cd "$(dirname "$0")/../.." && pwd)"
tarball=${1:-$root_dir/bench/target/bft-image-scratch.tar}
[ "$(id -u)" = 0 ] || { echo "run as root (unshare --mount, chroot)" >&2; exit 2; }
[ -f "$tarball" ] || { echo "$tarball is missing: mvn -B -ntp verify (or -Pimage package) makes it" >&2; exit 2; }
jdk="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
work="$(mktemp -d /tmp/bft-image-run.XXXXXX)"
rootfs="$work/root"
pids=()
cleanup() {
  # each pid is a subshell whose child is unshare, which ignores SIGTERM and leaves it to its own
  # child, the replica (whose shutdown hook closes it); so the signal goes two levels down
  for p in "${pids[@]}"; do
    for u in $(pgrep -P "$p"); do pkill -TERM -P "$u" 2>/dev/null || true; done
  done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$rootfs" "$work/image"
tar xf "$tarball" -C "$work/image"
config() { python3 -c "import json,sys; c=json.load(open('$work/image/config.json'))['config']; v=c.get('$1'); print(v if isinstance(v,str) else ' '.join(v or []))"; }
for layer in $(python3 -c "import json; print(' '.join(json.load(open('$work/image/manifest.json'))[0]['Layers']))"); do
  tar xzf "$work/image/$layer" -C "$rootfs" --warning=no-unknown-keyword
done
entrypoint=$(config Entrypoint)
command=$(config Cmd)
user=$(config User)
echo "entrypoint: $entrypoint"
echo "command:    $command"
echo "user:       $user"

# what the base image brings: /usr (libc, bash), its JDK, /etc/hosts and a user 1000
mkdir -p "$rootfs"/{usr,opt/java/openjdk,proc,dev,tmp,etc/bft}
ln -s usr/bin "$rootfs/bin"; ln -s usr/lib "$rootfs/lib"; ln -s usr/lib64 "$rootfs/lib64"
for d in /etc/java-*; do [ -d "$d" ] && mkdir -p "$rootfs$d"; done
printf '127.0.0.1 localhost bft-0 bft-1 bft-2 bft-3\n' > "$rootfs/etc/hosts"
printf 'root:x:0:0::/root:/bin/bash\nubuntu:x:1000:1000::/home/ubuntu:/bin/bash\n' > "$rootfs/etc/passwd"

"$root_dir/bin/bft" keygen --hosts bft-0:17300,bft-1:17301,bft-2:17302,bft-3:17303 --out "$work/cluster" >/dev/null
uid=${user%%:*}
# what each container mounts at /etc/bft, owned by the image's user as docs/deploy.md asks
for i in 0 1 2 3; do
  mkdir -p "$work/etc-$i" "$work/data-$i"
  cp "$work/cluster/cluster.conf" "$work/etc-$i/cluster.conf"
  cp "$work/cluster/keys/replica-$i.key" "$work/etc-$i/key"
  chown -R "$uid" "$work/etc-$i"
  # a fresh named volume is a copy of the image's mount point, owner and mode included
  chown --reference="$rootfs/var/lib/bft" "$work/data-$i"; chmod --reference="$rootfs/var/lib/bft" "$work/data-$i"
done
mkdir -p "$work/etc-client/keys" "$work/data-client"
cp "$work/cluster/cluster.conf" "$work/etc-client/"; cp "$work/cluster/keys/client-1000.key" "$work/etc-client/keys/"
chown -R "$uid" "$work/etc-client"

# container ETC DATA ENV -- [ARGS...]: the entrypoint with ARGS, or with the image's command
container() {
  local etc=$1 data=$2 env=$3; shift 4
  # shellcheck disable=SC2086
  unshare --mount --fork --kill-child bash -c '
    set -e; r=$0; etc=$1; data=$2; jdk=$3; env=$4; user=$5; entrypoint=$6; shift 6
    mount --bind /usr "$r/usr"
    mount --bind "$jdk" "$r/opt/java/openjdk"
    for d in /etc/java-*; do [ -d "$d" ] && mount --bind "$d" "$r$d"; done
    mount -t proc proc "$r/proc"
    mount --bind /dev "$r/dev"
    mount -t tmpfs tmpfs "$r/tmp"
    mount --bind -o ro "$etc" "$r/etc/bft"
    mount --bind "$data" "$r/var/lib/bft"
    exec chroot --userspec="$user" "$r" /usr/bin/env -i PATH=/opt/java/openjdk/bin:/usr/bin:/bin $env $entrypoint "$@"
  ' "$rootfs" "$etc" "$data" "$jdk" "$env" "$user" "$entrypoint" "$@"
}

for i in 0 1 2 3; do
  # shellcheck disable=SC2086
  container "$work/etc-$i" "$work/data-$i" "BFT_REPLICA_ID=$i" -- $command > "$work/bft-$i.log" 2>&1 &
  pids+=($!)
done
for i in 0 1 2 3; do
  for _ in $(seq 1 180); do grep -q "running on" "$work/bft-$i.log" && break; sleep 1; done
  grep "running on" "$work/bft-$i.log" || { echo "replica $i did not start:"; cat "$work/bft-$i.log"; exit 1; }
done
client() { container "$work/etc-client" "$work/data-client" "" -- "$@"; }
put=$(client client --config /etc/bft/cluster.conf put greeting hello)
got=$(client client --config /etc/bft/cluster.conf get greeting)
echo "put greeting hello: $put"
echo "get greeting: $got"
status=0
for _ in 1 2 3; do client status --config /etc/bft/cluster.conf > "$work/status" && { status=0; break; } || status=$?; sleep 5; done
cat "$work/status"
echo "data volume of replica 0:"; ls -ln "$work/data-0"
[ "$put" = ok ] && [ "$got" = hello ] && [ "$status" = 0 ] && grep -q "all replicas up" "$work/status"
