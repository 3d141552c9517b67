#!/usr/bin/env bash
# Runs every test of zonesign: installs the oracle tools if missing, builds, runs
# `cargo test`, then short fuzz runs (loader, verifier, signer). Meant for a fresh Debian
# 12 machine as root with no standard input (CI runs it through .ci/run), and for
# developers.
#
# Environment:
#   ZONESIGN_FUZZ_SECONDS  length of each fuzz run (default 60)
#   ZONESIGN_SKIP_FUZZ=1   skip the fuzz runs (they are otherwise required, never skipped silently)
#
# Exit status: 0 if every step passed, 1 if any failed (every step still runs, so one
# report shows all failures), 2 if the setup itself failed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
FUZZ_SECONDS="${ZONESIGN_FUZZ_SECONDS:-60}"
started=$(date +%s)
failed=()

section() {
    printf '\n==== %s (%ds) ====\n' "$1" "$(($(date +%s) - started))"
}

# Once (2026-11-28, during a CI run as root) /dev/null was replaced by a regular file
# while the fuzz target built; every later `< /dev/null` then fed its text to rustc. Which
# tool did it is not known yet: after each step, name the step and put the device back.
check_dev_null() {
    if [ ! -c /dev/null ]; then
        echo "---- WARNING: /dev/null is no longer a character device after: $1" >&2
        if [ "$(id -u)" -eq 0 ]; then
            rm -f /dev/null && mknod -m 666 /dev/null c 1 3 && echo "---- /dev/null restored" >&2
        fi
    fi
}

# step NAME COMMAND...: runs a step, records a failure instead of stopping.
step() {
    local name=$1
    shift
    section "$name"
    local t0
    t0=$(date +%s)
    if "$@"; then
        echo "---- $name: ok ($(($(date +%s) - t0))s)"
    else
        local rc=$?
        echo "---- $name: FAILED with exit code $rc ($(($(date +%s) - t0))s)"
        failed+=("$name")
    fi
    check_dev_null "$name"
}

install_oracles() {
    local tools=(dnssec-verify ldns-verify-zone kzonecheck softhsm2-util named-compilezone
        ldns-read-zone kzonesign keymgr pkcs11-tool)
    local missing=()
    for tool in "${tools[@]}"; do
        command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        echo "all oracle tools present: ${tools[*]}"
        return 0
    fi
    echo "missing: ${missing[*]}; installing"
    if [ "$(id -u)" -ne 0 ]; then
        echo "not root: run  sudo apt-get install softhsm2 ldnsutils bind9-utils knot-dnssecutils knot opensc" >&2
        return 1
    fi
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        softhsm2 ldnsutils bind9-utils knot-dnssecutils knot opensc </dev/null
    for tool in "${tools[@]}"; do
        command -v "$tool" >/dev/null 2>&1 || { echo "still missing after install: $tool" >&2; return 1; }
    done
}

versions() {
    cargo --version
    rustc --version
    named-compilezone -v 2>&1 | head -1 || true
    ldns-read-zone -v 2>&1 | head -1 || true
    kzonecheck --version 2>&1 | head -1 || true
    softhsm2-util --version 2>&1 | head -1 || true
}

fuzz() { # TARGET [MORE SEED DIRECTORIES...] [-- LIBFUZZER FLAGS...]
    local target=$1
    shift
    local more=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do
        more+=("$1")
        shift
    done
    [ "${1:-}" = -- ] && shift
    if [ "${ZONESIGN_SKIP_FUZZ:-0}" = 1 ]; then
        echo "fuzz run SKIPPED: ZONESIGN_SKIP_FUZZ=1"
        return 0
    fi
    if ! cargo fuzz --version >/dev/null 2>&1; then
        echo "cargo-fuzz missing; installing (about 2 minutes)"
        if ! cargo install cargo-fuzz --locked; then
            echo "ERROR: cannot install cargo-fuzz; set ZONESIGN_SKIP_FUZZ=1 to run without fuzzing" >&2
            return 1
        fi
    fi
    cargo fuzz --version
    # cargo-fuzz needs nightly flags (-Zsanitizer); RUSTC_BOOTSTRAP lets stable accept them.
    # The seeds are read, never written: new inputs go to fuzz/corpus/TARGET (ignored by git),
    # the first corpus directory libFuzzer is given. cargo-fuzz puts the flags after `--`
    # before its corpus directories, so a directory among the flags would come first and
    # take the new inputs (the sign run once wrote 1,386 files into fuzz/seeds/load):
    # more seed directories go before `--`, and the seeds are counted before and after.
    mkdir -p "fuzz/corpus/$target"
    local seeds_before seeds_after
    seeds_before=$(find fuzz/seeds -type f | wc -l)
    RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" "fuzz/corpus/$target" "fuzz/seeds/$target" \
        "${more[@]}" -- -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 "$@" </dev/null
    seeds_after=$(find fuzz/seeds -type f | wc -l)
    if [ "$seeds_after" != "$seeds_before" ]; then
        echo "ERROR: the $target fuzz run wrote into fuzz/seeds ($seeds_before files before, $seeds_after after)" >&2
        return 1
    fi
}

section "setup"
if ! install_oracles; then
    echo "FAILED: could not install the oracle tools" >&2
    exit 2
fi
versions
check_dev_null "setup"

step "build (cargo build --release --locked)" cargo build --release --locked --all-targets
# The test output is kept so that the summary, at the very end, can name the failing tests
# and what they printed: a CI log is often read from its tail.
test_log=$(mktemp)
trap 'rm -f "$test_log"' EXIT
run_tests() {
    cargo test --release --locked --no-fail-fast 2>&1 | tee "$test_log"
}
step "tests (cargo test --release --locked)" run_tests
# Issue 6: the fast verification path against aws-lc-rs on more than 100,000
# cases (about 30 s; ignored in a plain `cargo test`).
step "fast verification, full differential test" \
    cargo test --release --locked --lib verify::fast::tests::differential_full -- --ignored
# The same cases through the portable P-256 path, which a CPU with AVX-512 IFMA (the
# default path above) would otherwise never run end to end.
step "fast verification, full differential test, portable P-256 path" \
    env ZONESIGN_VERIFY_SIMD=scalar \
    cargo test --release --locked --lib verify::fast::tests::differential_full -- --ignored
# The loader on any bytes: no panic, the parallel load the same as the sequential one, and
# what it writes loads back to the same text.
step "fuzz (load, ${FUZZ_SECONDS}s)" fuzz load
# The verifier on signed zones, mutated: no panic. (Its seeds are up to 9 KB.)
step "fuzz (verify, ${FUZZ_SECONDS}s)" fuzz verify -- -max_len=16384
# The signer: every zone the loader accepts signs, in each denial mode, into a zone that
# our verifier passes.
step "fuzz (sign, ${FUZZ_SECONDS}s)" fuzz sign fuzz/seeds/load -- -max_len=8192

section "summary"
echo "total time: $(($(date +%s) - started))s"
# The code paths taken depend on the CPU (SHA-NI, AVX2, AVX-512 IFMA): say which one ran.
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), with:$(
    grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -x -E 'sha_ni|avx2|avx512f|avx512ifma|avx512bw' | tr '\n' ' ' | sed 's/^/ /')"
if grep -q -E '^test .* FAILED$' "$test_log"; then
    echo "failing tests (their whole output is above, in the tests step):"
    grep -E '^test .* FAILED$|^error: test failed' "$test_log" || true
    echo "their first lines after the panic:"
    grep -E -A8 "^thread '.*panicked at" "$test_log" | grep -v -E '^ +(at |[0-9]+: )' | head -60 || true
fi
if [ ${#failed[@]} -ne 0 ]; then
    printf 'FAILED: %s\n' "${failed[@]}"
    exit 1
fi
echo "all steps passed"
