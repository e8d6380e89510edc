#!/usr/bin/env bash
# Runs the bounded random tests of tests/fuzz.rs (provision marker, cite directive, search
# query builder, comment form decoder, request paths, receipt references) with a new seed
# each round until SECONDS have passed.
#
#   bash fuzz/run.sh SECONDS [CASES_PER_ROUND]
#
# cargo-fuzz (libFuzzer) needs nightly and a sanitizer build of the whole dependency tree;
# these seeded runs need neither. A failing round prints its seed: rerun it with
# COPBOOK_FUZZ_SEED=N cargo test --test fuzz, and add the input to REGRESSIONS.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:?usage: fuzz/run.sh SECONDS [CASES_PER_ROUND]}
cases=${2:-20000}
cargo test --release --test fuzz --no-run --quiet
end=$((SECONDS + seconds))
seed=$(date +%s)
while ((SECONDS < end)); do
  echo "seed $seed, $cases cases per target"
  COPBOOK_FUZZ_SEED=$seed COPBOOK_FUZZ_CASES=$cases cargo test --release --test fuzz --quiet
  seed=$((seed + 1))
done
