#!/usr/bin/env bash
# Page weight of a theme chapter with our theme and with mdBook's default theme, on the
# same chapter of the same book. Needs `npm ci --prefix tests/browser`, Debian's chromium
# and the stock mdbook CLI (MDBOOK=/path/to/mdbook).
#
#   MDBOOK=/path/to/mdbook bash benches/weight/run.sh [CHAPTER]   (default code/sharing.html)
set -euo pipefail
cd "$(dirname "$0")/../.."
chapter=${1:-code/sharing.html}
mdbook=${MDBOOK:-mdbook}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
cargo build --release --quiet
# Ours: the real server (it gzips; we measure every resource gzipped either way).
target/release/copbook serve --data "$work/data" --addr 127.0.0.1:0 > "$work/ours.out" 2>/dev/null &
for _ in $(seq 1 120); do grep -q "serving on" "$work/ours.out" 2>/dev/null && break; sleep 0.5; done
ours=$(grep -o 'http://[^ ]*' "$work/ours.out" | head -1)
# mdBook's default theme: the same book without our theme setting, built by stock mdbook.
cp -r book "$work/book"
sed -i '/^theme = /d' "$work/book/book.toml"
"$mdbook" build "$work/book" -d "$work/default" > /dev/null 2>&1
python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$work/default" > "$work/py.out" 2>&1 &
for _ in $(seq 1 40); do grep -q "Serving HTTP" "$work/py.out" 2>/dev/null && break; sleep 0.25; done
port=$(grep -o 'port [0-9]*' "$work/py.out" | head -1 | cut -d' ' -f2)
node benches/weight/page_weight.mjs "${ours}${chapter}" "http://127.0.0.1:${port}/${chapter}"
