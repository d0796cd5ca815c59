#!/usr/bin/env bash
# Measures Cairn and Debian's etcd side by side on this machine with the same load generator
# (bin/cairn bench): single-member put and range throughput and latency.
#
#   bash tools/bench-vs-etcd.sh [total-requests] [clients]
#
# Both servers run on loopback with fresh data dirs under a temp dir; the load generator runs
# once against each in turn, after a warm-up. Then the watch fan-out bench (100 watchers on a
# prefix, puts under it) runs against each. Results go to stdout as Markdown tables.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
total="${1:-20000}"
clients="${2:-64}"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()'; }
wait_ready() { for _ in $(seq 1 200); do grep -q "ready to serve client requests" "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "server did not start: $1" >&2; cat "$1" >&2; exit 1; }

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
    line="$("$root/bin/cairn" bench "$mode" --endpoints "$ep" --total "$total" --clients "$clients")"
    echo "$line" | python3 -c '
import re,sys
l=sys.stdin.read(); name,mode=sys.argv[1],sys.argv[2]
rps=re.search(r"([0-9.]+) req/s",l).group(1)
p=re.findall(r"p(?:50|90|99) ([0-9.]+)",l)
print(f"| {name} | {mode} | {rps} | {p[0]} | {p[1]} | {p[2]} |")' "$name" "$mode"
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
