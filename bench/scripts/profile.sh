#!/bin/bash
# CPU profile of a running JVM (a replica, or bft bench's load generator) with async-profiler,
# fetched from Maven Central on first use: Java frames, native frames and the kernel's, per sample.
#   bench/scripts/profile.sh PID [SECONDS] [OUT]     (default 30 s, OUT = profile-PID.collapsed)
# OUT is in collapsed-stack form (one stack and its sample count per line), for flame-graph tools
# or for grep: grep -c, or sum the counts of the stacks that contain a frame.
set -euo pipefail
pid=${1:?usage: profile.sh PID [SECONDS] [OUT]}
seconds=${2:-30}
out=${3:-profile-$pid.collapsed}
version=4.1
here="$(cd "$(dirname "$0")" && pwd)"
cache="$here/../target/async-profiler-$version"
if [ ! -f "$cache/linux-x64/libasyncProfiler.so" ]; then
  mvn -q -ntp dependency:get -Dartifact=tools.profiler:async-profiler:$version >/dev/null
  mkdir -p "$cache"
  (cd "$cache" && unzip -q -o "$HOME/.m2/repository/tools/profiler/async-profiler/$version/async-profiler-$version.jar" 'linux-x64/*')
fi
lib="$cache/linux-x64/libasyncProfiler.so"
java "$here/AttachAgent.java" "$pid" "$lib" "start,event=cpu,interval=1ms"
sleep "$seconds"
java "$here/AttachAgent.java" "$pid" "$lib" "stop,file=$(realpath -m "$out"),collapsed"
echo "profile of $pid over $seconds s: $out"
