#!/usr/bin/env bash
# Builds the libFuzzer targets of the readers (tests/fuzz/, clang with
# ASan + UBSan) and runs each for SECONDS over its corpus.
#
# Usage: scripts/fuzz.sh [SECONDS] [TARGET ...]     (default 20 s, all targets)
#
# Each target runs with -max_total_time=SECONDS -timeout=10
# -rss_limit_mb=2048; the seeds of tests/fuzz/corpus/TARGET are read, new
# inputs go to BUILD/fuzz-work/TARGET/corpus (the seeds are never
# modified), and a crash, leak, timeout or out-of-memory input is saved in
# BUILD/fuzz-work/TARGET/artifacts/. A target passes if it found none.
# The last line is "N passed, N failed"; exit 1 if any failed, 77 (skip)
# without clang + libFuzzer.
#
# Environment: PAWPROJ_FUZZ_BUILD (build directory, default build-fuzz),
# PAWPROJ_FUZZ_NO_INSTALL=1 (do not run scripts/install-deps.sh; ctest
# fuzz.short sets it), PAWPROJ_FUZZ_CC (the compiler, default clang),
# PAWPROJ_FUZZ_ARGS (more libFuzzer options).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
root=$PWD
secs=${1:-20}
shift || true
# (0 would be no limit at all for libFuzzer.)
case "$secs" in ''|*[!0-9]*|0) echo "[fuzz] SECONDS must be a whole number >= 1, got '$secs'"; exit 2 ;; esac

if [ "${PAWPROJ_FUZZ_NO_INSTALL:-0}" != 1 ]; then
  scripts/install-deps.sh || { echo "[fuzz] scripts/install-deps.sh failed"; exit 1; }
fi

# clang with libFuzzer and the sanitizer runtimes (Debian: clang,
# libclang-rt-14-dev), else skip.
cc=${PAWPROJ_FUZZ_CC:-clang}
if ! command -v "$cc" >/dev/null 2>&1; then
  echo "[fuzz] skipped: no $cc (Debian: apt-get install clang libclang-rt-14-dev)"
  exit 77
fi
probe=$(mktemp -d)
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' >"$probe/p.c"
if ! "$cc" -fsanitize=fuzzer,address,undefined "$probe/p.c" -o "$probe/p" >"$probe/log" 2>&1; then
  echo "[fuzz] skipped: $cc cannot link -fsanitize=fuzzer,address,undefined (Debian: libclang-rt-14-dev):"
  head -5 "$probe/log"
  rm -rf "$probe"
  exit 77
fi
rm -rf "$probe"

build=${PAWPROJ_FUZZ_BUILD:-$root/build-fuzz}
mkdir -p "$build"
if [ ! -f "$build/CMakeCache.txt" ]; then
  CC="$cc" cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPAWPROJ_FUZZ=ON \
    >"$build/configure.log" 2>&1 || { cat "$build/configure.log"; echo "[fuzz] configure failed"; exit 1; }
fi
if ! cmake --build "$build" --target fuzz_all -j"$(nproc)" >"$build/build.log" 2>&1; then
  grep -E "(warning|error)" "$build/build.log" | head -40
  echo "[fuzz] build failed (full log: $build/build.log)"
  exit 1
fi

targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets <"$build/tests/fuzz/targets.txt"

# MPI singletons as root; sanitizers halt on the first error; Open MPI's
# own allocations are not pawproj's leaks (tests/lsan.supp).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl=self
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$root/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export PAWPROJ_FUZZ_TMP="$build/fuzz-work/tmp"
mkdir -p "$PAWPROJ_FUZZ_TMP"

pass=0
fail=0
for t in "${targets[@]}"; do
  exe="$build/tests/fuzz/$t"
  work="$build/fuzz-work/$t"
  seeds="$root/tests/fuzz/corpus/$t"
  if [ ! -x "$exe" ] || [ ! -d "$seeds" ]; then
    echo "[fuzz] $t: no such target or no corpus ($exe, $seeds)"
    fail=$((fail + 1))
    continue
  fi
  mkdir -p "$work/corpus" "$work/artifacts"
  touch "$work/started"
  dict=()
  [ -f "$root/tests/fuzz/dict/$t.dict" ] && dict=(-dict="$root/tests/fuzz/dict/$t.dict")
  # shellcheck disable=SC2086
  "$exe" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" "${dict[@]}" ${PAWPROJ_FUZZ_ARGS:-} \
    "$work/corpus" "$seeds" >"$work/log" 2>&1
  rc=$?
  found=$(find "$work/artifacts" -type f -newer "$work/started" 2>/dev/null | head -1)
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/log" | grep -o '[0-9]*$')
  cov=$(grep -o 'cov: [0-9]*' "$work/log" | tail -1)
  if [ $rc -eq 0 ] && [ -z "$found" ]; then
    echo "[fuzz] $t: ok (${secs} s, ${runs:-?} runs, ${cov:-cov: ?})"
    pass=$((pass + 1))
  else
    echo "[fuzz] $t: FAILED (exit $rc${found:+, input saved as $found}; log $work/log)"
    grep -E "ERROR|SUMMARY|fuzz contract|runtime error|#[0-9]+ 0x" "$work/log" | head -15
    fail=$((fail + 1))
  fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
