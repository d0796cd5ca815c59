#!/usr/bin/env bash
# Three-member clusters side by side on this machine: Cairn and Debian's etcd, each formed from
# etcd's flags on loopback, measured with the same load generator (bin/cairn bench) against
# all three endpoints: put throughput and latency, then linearizable range.
#
#   bash tools/bench-cluster-vs-etcd.sh [total-requests] [clients]
#
# Fresh data dirs under a temp dir; a warm-up run first. Results go to stdout as Markdown.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
total="${1:-20000}"
clients="${2:-64}"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()'; }
wait_ready() { for _ in $(seq 1 300); do grep -q "ready to serve client requests" "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "server did not start: $1" >&2; cat "$1" >&2; exit 1; }

cluster() { # kind -> sets $eps to the comma-separated client endpoints (no subshell: pids must stay ours)
  local kind="$1" i initial="" cps=() pps=()
  for i in 1 2 3; do cps+=("$(free_port)"); pps+=("$(free_port)"); done
  for i in 0 1 2; do initial+="${kind}$((i+1))=http://127.0.0.1:${pps[$i]},"; done
  initial="${initial%,}"
  for i in 0 1 2; do
    local n="${kind}$((i+1))"
    local flags=(--name "$n" --data-dir "$work/$n" --listen-client-urls "http://127.0.0.1:${cps[$i]}"
      --advertise-client-urls "http://127.0.0.1:${cps[$i]}" --listen-peer-urls "http://127.0.0.1:${pps[$i]}"
      --initial-advertise-peer-urls "http://127.0.0.1:${pps[$i]}" --initial-cluster "$initial"
      --initial-cluster-token "bench-$kind" --initial-cluster-state new)
    if [ "$kind" = cairn ]; then
      "$root/bin/cairn-server" "${flags[@]}" > "$work/$n.log" 2>&1 &
    else
      ETCD_UNSUPPORTED_ARCH="$(dpkg --print-architecture)" etcd "${flags[@]}" > "$work/$n.log" 2>&1 &
    fi
    pids+=("$!")
  done
  for i in 1 2 3; do wait_ready "$work/${kind}$i.log"; done
  eps="127.0.0.1:${cps[0]},127.0.0.1:${cps[1]},127.0.0.1:${cps[2]}"
}

run() { # name endpoints
  local name="$1" eps="$2"
  "$root/bin/cairn" bench put --endpoints "$eps" --total 5000 --clients "$clients" > /dev/null
  for mode in put range; do
    line="$("$root/bin/cairn" bench "$mode" --endpoints "$eps" --total "$total" --clients "$clients")"
    echo "$line" | python3 -c '
import re,sys
l=sys.stdin.read(); name,mode=sys.argv[1],sys.argv[2]
rps=re.search(r"([0-9.]+) req/s",l).group(1)
p=re.findall(r"p(?:50|90|99) ([0-9.]+)",l)
print(f"| {name} (3 members) | {mode} | {rps} | {p[0]} | {p[1]} | {p[2]} |")' "$name" "$mode"
  done
}

echo "| server | workload | requests/s | p50 ms | p90 ms | p99 ms |"
echo "|---|---|---|---|---|---|"
cluster cairn
run cairn "$eps"
for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; pids=()
cluster etcd
run etcd "$eps"
