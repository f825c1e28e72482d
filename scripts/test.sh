#!/usr/bin/env bash
# The second command of the README (and what CI runs): installs what is
# missing, builds, runs the whole test suite (unit tests, integration tests
# with 1, 2 and 4 MPI ranks), then builds again with AddressSanitizer +
# UndefinedBehaviorSanitizer and runs the unit and small integration tests
# there. Ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh || exit 1
. scripts/env.sh
total_pass=0
total_fail=0
count() { # parse ctest's "x% tests passed, N tests failed out of M"
  local log=$1 line
  line=$(grep -E "tests passed, [0-9]+ tests? failed out of [0-9]+" "$log" | tail -1)
  if [ -z "$line" ]; then total_fail=$((total_fail + 1)); return; fi
  local failed outof
  failed=$(echo "$line" | sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/')
  outof=$(echo "$line" | sed -E 's/.* failed out of ([0-9]+).*/\1/')
  total_pass=$((total_pass + outof - failed))
  total_fail=$((total_fail + failed))
}
status=0
# Two tests at a time on a 2-core machine (tests/CMakeLists.txt gives the
# GPAW ones both slots and runs the timed ones alone); more cores, more.
jobs=$(nproc 2>/dev/null || echo 2)
[ "$jobs" -ge 2 ] || jobs=2
echo "== build (release)"
scripts/build.sh build || status=1
if [ $status -eq 0 ]; then
  echo "== tests (release)"
  (cd build && ctest -j "$jobs" --output-on-failure --timeout 1500) 2>&1 | tee build/ctest.log
  count build/ctest.log
fi
echo "== build (AddressSanitizer + UndefinedBehaviorSanitizer)"
if scripts/build.sh --sanitize build-asan; then
  echo "== tests (sanitizers: unit + small)"
  # Sanitizer settings (and the suppression of Open MPI's own leaks) are
  # part of the test definitions: see tests/CMakeLists.txt.
  (cd build-asan && ctest -j "$jobs" -L small --output-on-failure --timeout 1500) 2>&1 | tee build-asan/ctest.log
  count build-asan/ctest.log
else
  total_fail=$((total_fail + 1))
fi
echo
echo "$total_pass passed, $total_fail failed"
[ $total_fail -eq 0 ] && [ $status -eq 0 ]
