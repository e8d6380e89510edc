#!/usr/bin/env bash
# An admin page's throughput with a signed-in session against the old admin token, with
# wrk on loopback (32 connections, 2 threads): the same page (/admin/codes) served first
# with COPBOOK_ADMIN_TOKEN and no account, then after `copbook users add` with a session
# cookie from the sign-in form.
#
#   bash benches/http/admin.sh [BOOK_DIR]      (default: book)
set -euo pipefail
cd "$(dirname "$0")/../.."
book=${1:-book}
duration=${DURATION:-15s}
page=${PAGE:-/admin/codes}
# BIN=target/debug/copbook measures a debug build instead (no release build).
if [ -z "${BIN:-}" ]; then cargo build --release --quiet; fi
bin="${BIN:-${CARGO_TARGET_DIR:-target}/release/copbook}"
data=$(mktemp -d)
token=$(head -c 30 /dev/urandom | base64)
pid=
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT
start() {
  COPBOOK_ADMIN_TOKEN="$token" "$bin" serve --book "$book" --data "$data" --addr 127.0.0.1:0 \
    --rate-limit 0 > "$data/out" 2> "$data/err" &
  pid=$!
  for _ in $(seq 1 600); do grep -q "serving on" "$data/out" 2>/dev/null && break; sleep 0.5; done
  url=$(grep -o 'http://[^ ]*' "$data/out" | head -1 | sed 's:/$::')
}
start
echo "== $page with the admin token (no accounts), $duration"
curl -sf -o /dev/null -H "Authorization: Bearer $token" "$url$page"
wrk -t2 -c32 -d"$duration" -H "Authorization: Bearer $token" "$url$page"
kill "$pid"; wait "$pid" 2>/dev/null || true
echo "a long enough benchmark password" | "$bin" users add bench --role admin --data "$data"
rm -f "$data/out"
start
jar="$data/jar"
csrf=$(curl -s -c "$jar" "$url/admin/sign-in" | grep -o 'name="csrf" value="[0-9a-f]*"' | grep -o '[0-9a-f]\{32\}')
curl -s -b "$jar" -c "$jar" -o /dev/null -d "name=bench&password=a+long+enough+benchmark+password&csrf=$csrf" "$url/admin/sign-in"
cookie=$(awk '$6 == "copbook_session" {print "copbook_session=" $7}' "$jar")
curl -sf -o /dev/null -H "Cookie: $cookie" "$url$page"
echo "== $page with a session, $duration"
wrk -t2 -c32 -d"$duration" -H "Cookie: $cookie" "$url$page"
