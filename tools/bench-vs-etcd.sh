#!/usr/bin/env bash
# Measures Cairn and Debian's etcd side by side on this machine with the same load generator
# (bin/cairn bench): single-member put and range throughput and latency.
#
#   bash tools/bench-vs-etcd.sh [total-requests] [clients]
#
# Both servers run on loopback with fresh data dirs under a temp dir; the load generator runs
# once against each in turn, after a warm-up. Then the watch fan-out bench (100 watchers on a
# prefix, puts under it) runs against each. Results go to stdout as Markdown tables.
total="${1:-20000}"
clients="${2:-64}"
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"

start() { # kind name -> sets $ep (no subshell: pids must stay ours for the clean-up)
  local kind="$1" c p
  c="$(free_port)"; p="$(free_port)"
  local flags=(--name "$2" --data-dir "$work/$2" --listen-client-urls "http://127.0.0.1:$c"
    --advertise-client-urls "http://127.0.0.1:$c" --listen-peer-urls "http://127.0.0.1:$p"
    --initial-advertise-peer-urls "http://127.0.0.1:$p" --initial-cluster "$2=http://127.0.0.1:$p")
  if [ "$kind" = cairn ]; then
    "$root/bin/cairn-server" "${flags[@]}" > "$work/$2.log" 2>&1 &
  else
    ETCD_UNSUPPORTED_ARCH="$(dpkg --print-architecture)" etcd "${flags[@]}" > "$work/$2.log" 2>&1 &
  fi
  pids+=("$!")
  wait_ready "$work/$2.log"
  ep="127.0.0.1:$c"
}

start cairn cairn1; cairn_ep="$ep"
start etcd etcd1; etcd_ep="$ep"
echo "| server | workload | requests/s | p50 ms | p90 ms | p99 ms |"
echo "|---|---|---|---|---|---|"
for ep in "$cairn_ep" "$etcd_ep"; do
  name=cairn; [ "$ep" = "$etcd_ep" ] && name=etcd
  "$root/bin/cairn" bench put --endpoints "$ep" --total 5000 --clients "$clients" > /dev/null
  for mode in put range; do
    bench_row "$name" "$mode" "$ep" "$total" "$clients"
  done
done

# Watch fan-out: the bench lives with the integration tests (io.cairn.server.it.WatchBench).
(cd "$root" && mvn -B -q -o -pl cluster-server test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >&2)
cp="$root/cluster-server/target/test-classes:$root/cluster-server/target/classes:$(cat "$root/cluster-server/target/test-classpath.txt")"
echo
echo "| server | watchers | keys | events/s delivered | puts/s | delay p50 ms | delay p99 ms |"
echo "|---|---|---|---|---|---|---|"
for ep in "$cairn_ep" "$etcd_ep"; do
  name=cairn; [ "$ep" = "$etcd_ep" ] && name=etcd
  line="$(java -cp "$cp" io.cairn.server.it.WatchBench --endpoints="http://$ep" --keys=10000 \
    --concurrency=64 --watchers=100 2>/dev/null | tail -1)"
  echo "$line" | python3 -c '
import re,sys
l=sys.stdin.read(); name=sys.argv[1]
v={k: re.search(k+r"=([0-9.]+)",l).group(1) for k in ("watchers","keys","events_per_s","puts_per_s","p50","p99")}
print("| %s | %s | %s | %s | %s | %s | %s |" % (name, v["watchers"], v["keys"], v["events_per_s"], v["puts_per_s"], v["p50"], v["p99"]))' "$name"
done
