# Shared by the bench-*-vs-etcd.sh scripts (sourced, not run): a temp work dir whose servers are
# killed on exit, free ports, readiness, and one Markdown row per bin/cairn bench run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()'; }
wait_ready() { for _ in $(seq 1 300); do grep -q "ready to serve client requests" "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "server did not start: $1" >&2; cat "$1" >&2; exit 1; }

bench_row() { # label mode endpoints total clients: runs bin/cairn bench, prints a table row
  local line
  line="$("$root/bin/cairn" bench "$2" --endpoints "$3" --total "$4" --clients "$5")"
  echo "$line" | python3 -c '
import re,sys
l=sys.stdin.read(); name,mode=sys.argv[1],sys.argv[2]
rps=re.search(r"([0-9.]+) req/s",l).group(1)
p=re.findall(r"p(?:50|90|99) ([0-9.]+)",l)
print(f"| {name} | {mode} | {rps} | {p[0]} | {p[1]} | {p[2]} |")' "$1" "$2"
}
