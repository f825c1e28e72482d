#!/usr/bin/env bash
# Configures and builds pawproj. Usage: scripts/build.sh [--sanitize] [BUILD_DIR]
# Default build directory: build/ (build-asan/ with --sanitize).
set -euo pipefail
cd "$(dirname "$0")/.."
sanitize=OFF
dir=""
for a in "$@"; do
  case "$a" in
    --sanitize) sanitize=ON ;;
    *) dir="$a" ;;
  esac
done
[ -n "$dir" ] || { [ "$sanitize" = ON ] && dir=build-asan || dir=build; }
type=RelWithDebInfo
[ "$sanitize" = ON ] && type=Debug
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=$type -DPAWPROJ_SANITIZE=$sanitize >"$dir.configure.log" 2>&1 \
  || { cat "$dir.configure.log"; exit 1; }
log="$dir.build.log"
# A failed build must fail here even when an old binary is still in place.
if ! cmake --build "$dir" -j"$(nproc)" >"$log" 2>&1; then
  grep -E "(warning|error)" "$log" | head -40
  echo "[build] build failed (full log: $log)"
  exit 1
fi
grep -E "(warning|error):" "$log" && { echo "[build] warnings or errors above"; exit 1; }
test -x "$dir/src/pawproj" || { echo "[build] pawproj was not built"; exit 1; }
echo "[build] $dir/src/pawproj ready ($type, sanitizers $sanitize)"
