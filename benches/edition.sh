#!/usr/bin/env bash
# The PDF edition's cost: `copbook build` of each book with and without its PDF step
# (median wall time and peak memory of RUNS builds after a warm-up), and the size of
# every PDF written. The PDF step runs only in `copbook build`, after the site is
# written; watch mode's builds never run it (`Site::write_pdfs`).
#
#   bash benches/edition.sh [BOOK_DIR ...]     (default: book)
#   cargo run --release --example synthetic_book -- target/synthetic-book 2000
#   bash benches/edition.sh book target/synthetic-book
#
# BIN=path/to/copbook measures that build (default: builds and uses the release binary);
# RUNS=N changes the number of measured builds (default 5, or 3 for a book of more than
# 500 chapters).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet
  BIN="${CARGO_TARGET_DIR:-target}/release/copbook"
fi
[ $# -gt 0 ] || set -- book
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# Median of the numbers on standard input.
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# build BOOK OUT MODE: prints "SECONDS PEAK_KIB" for each of RUNS builds after a warm-up.
build() {
  local book=$1 out=$2 mode=$3 runs=$4
  local flags=()
  [ "$mode" = no-pdf ] && flags=(--no-pdf)
  for run in $(seq 0 "$runs"); do
    /usr/bin/time -f "%e %M" -o "$scratch/time" \
      "$BIN" build --book "$book" --out "$out" "${flags[@]}" > /dev/null 2> "$scratch/err" ||
      { cat "$scratch/err" >&2; exit 1; }
    [ "$run" -gt 0 ] && cat "$scratch/time"
  done
}

for book in "$@"; do
  [ -f "$book/book.toml" ] || { echo "$book is not a book (no book.toml)" >&2; exit 2; }
  chapters=$(find "$book/src" -name '*.md' | wc -l)
  runs=${RUNS:-$([ "$chapters" -gt 500 ] && echo 3 || echo 5)}
  echo "== $book ($chapters chapters; $runs builds each after a warm-up; $BIN)"
  build "$book" "$scratch/no-pdf" no-pdf "$runs" > "$scratch/no-pdf.times"
  build "$book" "$scratch/pdf" pdf "$runs" > "$scratch/pdf.times"
  without=$(cut -d' ' -f1 < "$scratch/no-pdf.times" | median)
  with=$(cut -d' ' -f1 < "$scratch/pdf.times" | median)
  mem_without=$(cut -d' ' -f2 < "$scratch/no-pdf.times" | sort -g | tail -1)
  mem_with=$(cut -d' ' -f2 < "$scratch/pdf.times" | sort -g | tail -1)
  echo "copbook build --no-pdf: median ${without} s, peak ${mem_without} KiB"
  echo "copbook build:          median ${with} s, peak ${mem_with} KiB"
  awk -v a="$with" -v b="$without" \
    'BEGIN { printf "with PDFs / without: %.2f (the PDF step adds %.2f s)\n", a / b, a - b }'
  (cd "$scratch/pdf" && find . -name '*.pdf' -printf '  %P: %s bytes\n' | sort)
  rm -rf "$scratch/no-pdf" "$scratch/pdf"
done
