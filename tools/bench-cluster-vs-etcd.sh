#!/usr/bin/env bash
# Three-member clusters side by side on this machine: Cairn and Debian's etcd, each formed from
# etcd's flags on loopback, measured with the same load generator (bin/cairn bench) against
# all three endpoints: put throughput and latency, then linearizable range.
#
#   bash tools/bench-cluster-vs-etcd.sh [total-requests] [clients]
#
# Fresh data dirs under a temp dir; a warm-up run first. Results go to stdout as Markdown.
total="${1:-20000}"
clients="${2:-64}"
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"

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
    bench_row "$name (3 members)" "$mode" "$eps" "$total" "$clients"
  done
}

echo "| server | workload | requests/s | p50 ms | p90 ms | p99 ms |"
echo "|---|---|---|---|---|---|"
cluster cairn
run cairn "$eps"
for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; pids=()
cluster etcd
run etcd "$eps"
