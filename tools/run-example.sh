#!/usr/bin/env bash
# Signs the shipped example zone (examples/example.zone) with fresh ECDSA P-256 keys
# (algorithm 13) and checks the result with an independent validator.
#
# Usage: tools/run-example.sh [OUTPUT_DIR]   (default: a new temporary directory)
# On a fresh Debian machine as root it installs bind9-utils for the independent check.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
origin=example.
zone=examples/example.zone
work=${1:-$(mktemp -d -t zonesign-example.XXXXXX)}
mkdir -p "$work/keys"

echo "==== build (cargo build --release --locked)"
cargo build --release --locked --bin zonesign
zonesign=target/release/zonesign

echo "==== keys (algorithm 13, ECDSA P-256) into $work/keys"
"$zonesign" keygen --algorithm 13 --ksk "$origin" --key-dir "$work/keys"
"$zonesign" keygen --algorithm 13 --zsk "$origin" --key-dir "$work/keys"
ls -l "$work/keys"

echo "==== sign $zone"
"$zonesign" sign "$zone" --origin "$origin" --key-dir "$work/keys" --output "$work/example.zone.signed"

if [ ! -s "$work/example.zone.signed" ]; then
    echo "FAILED: zonesign sign wrote no $work/example.zone.signed" >&2
    exit 1
fi

echo "==== independent check (dnssec-verify, BIND)"
if ! command -v dnssec-verify >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bind9-utils </dev/null
fi
if command -v dnssec-verify >/dev/null 2>&1; then
    dnssec-verify -o "$origin" "$work/example.zone.signed"
else
    echo "dnssec-verify not installed (apt-get install bind9-utils); skipped"
fi

echo
echo "signed zone: $work/example.zone.signed"
