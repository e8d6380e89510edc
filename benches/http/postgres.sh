#!/usr/bin/env bash
# Acknowledged comments per second and p99 latency on loopback, in one run:
#   1. one `copbook serve` on its SQLite file, 32 connections;
#   2. two `copbook serve` instances on one PostgreSQL database, 16 connections each
#      (32 in all), both wrk runs at the same time.
# Everything (servers, PostgreSQL, wrk) shares the machine's cores.
#
#   bash benches/http/postgres.sh [BOOK_DIR]     (default: book)
#
# PostgreSQL: the server at $PG_ADMIN (default postgres://postgres@127.0.0.1:5432/postgres);
# a database copbook_bench_<pid> is created and dropped. Needs wrk and psql.
set -euo pipefail
cd "$(dirname "$0")/../.."
book=${1:-book}
duration=${DURATION:-15s}
admin=${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/postgres}
bin=${COPBOOK_BIN:-target/release/copbook}
[ -x "$bin" ] || cargo build --release --quiet
db="copbook_bench_$$"
url="${admin%/*}/$db"
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql "$admin" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
psql "$admin" -qc "CREATE DATABASE $db"

# start NAME ARGS…: serves in $work/NAME, sets $started_url.
start() {
  local name=$1; shift
  mkdir -p "$work/$name"
  "$bin" serve --book "$book" --data "$work/$name" --addr 127.0.0.1:0 --rate-limit 0 "$@" \
    > "$work/$name/out" 2> "$work/$name/err" &
  pids+=($!)
  for _ in $(seq 1 600); do grep -q "serving on" "$work/$name/out" 2>/dev/null && break; sleep 0.5; done
  started_url=$(grep -o 'http://[^ ]*' "$work/$name/out" | head -1 | sed 's:/$::')
  [ -n "$started_url" ] || { cat "$work/$name/err"; exit 1; }
}

start sqlite
sqlite_url=$started_url
echo "== SQLite, one instance ($sqlite_url), 32 connections, $duration"
wrk -t2 -c32 -d"$duration" --latency -s benches/http/comments.lua "$sqlite_url/api/comments" | grep -E "acknowledged|latency p|errors|Non-2xx"
echo "stored: $("$bin" comments stats --data "$work/sqlite" | awk "NR == 1")"
kill "${pids[0]}"

start pg_a --database "$url"
a_url=$started_url
start pg_b --database "$url"
b_url=$started_url
echo "== PostgreSQL, two instances ($a_url, $b_url), 16 connections each, $duration"
wrk -t1 -c16 -d"$duration" --latency -s benches/http/comments.lua "$a_url/api/comments" > "$work/wrk_a" &
wa=$!
wrk -t1 -c16 -d"$duration" --latency -s benches/http/comments.lua "$b_url/api/comments" > "$work/wrk_b" &
wb=$!
wait "$wa" "$wb"
for f in wrk_a wrk_b; do echo "-- instance ${f#wrk_}"; grep -E "acknowledged|latency p|errors|Non-2xx" "$work/$f"; done
total=$(cat "$work/wrk_a" "$work/wrk_b" | awk '/acknowledged\/s/ {s += $2} END {print s}')
echo "both instances: $total acknowledged/s (p99: the larger of the two above)"
echo "stored: $("$bin" comments stats --database "$url" | awk "NR == 1")"
