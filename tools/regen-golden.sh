#!/usr/bin/env bash
# Regenerates the golden signed zones of tests/golden.rs after an intended
# change of zonesign's output. Review `git diff test-data/golden` before
# committing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --release --locked --bin zonesign
for denial in nsec nsec3; do
    extra=()
    [ "$denial" = nsec3 ] && extra=(--nsec3 --opt-out)
    target/release/zonesign sign examples/example.zone -o example. \
        --key-dir test-data/keys/golden \
        --inception 20261101000000 --expiration 20401201000000 --jitter 1d \
        --threads 1 -q "${extra[@]}" \
        --output "test-data/golden/example.ed25519.$denial.zone"
done
