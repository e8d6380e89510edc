#!/usr/bin/env bash
# HTTP benchmarks on loopback with wrk (Debian package `wrk`): /api/search throughput and
# latency, and acknowledged comment submissions (synchronous=FULL), at 32 connections.
#
#   bash benches/http/run.sh [BOOK_DIR]      (default: book)
#
# Prints wrk's figures and the server's resident memory after each run. COPBOOK_BIN=PATH runs
# that binary instead of building the release one (e.g. to check the script on a debug build).
set -euo pipefail
cd "$(dirname "$0")/../.."
book=${1:-book}
duration=${DURATION:-15s}
bin=${COPBOOK_BIN:-}
if [ -z "$bin" ]; then
  cargo build --release --quiet
  bin="${CARGO_TARGET_DIR:-target}/release/copbook"
fi
data=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT
"$bin" serve --book "$book" --data "$data" --addr 127.0.0.1:0 --rate-limit 0 > "$data/out" 2> "$data/err" &
pid=$!
for _ in $(seq 1 600); do grep -q "serving on" "$data/out" 2>/dev/null && break; sleep 0.5; done
url=$(grep -o 'http://[^ ]*' "$data/out" | head -1 | sed 's:/$::')
echo "server $url (pid $pid), book $book"
rss() { awk '/VmRSS|VmHWM/ {printf "%s %d MiB  ", $1, $2/1024} END {print ""}' "/proc/$pid/status"; }
echo "memory after build: $(rss)"
echo "== /api/search, 32 connections, 2 threads, $duration"
wrk -t2 -c32 -d"$duration" -s benches/http/search.lua "$url"
echo "memory: $(rss)"
if grep -q "consultation" "$book/book.toml" 2>/dev/null; then
  echo "== POST /api/comments, 32 connections, 2 threads, $duration (synchronous=FULL)"
  wrk -t2 -c32 -d"$duration" -s benches/http/comments.lua "$url/api/comments"
  echo "memory: $(rss)"
  echo "stored: $("$bin" comments stats --data "$data" | awk 'NR == 1')"
fi
