#!/usr/bin/env bash
# The first command of the README: installs what is missing, builds, and
# runs the main job (all-electron band character of the Si vacancy levels) on the
# example data shipped in tests/data/si8 with 2 MPI ranks.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
. scripts/env.sh
mkdir -p results
mpirun -n 2 build/src/pawproj project --datasets tests/data/si8/bulk \
  --bulk tests/data/si8/bulk --defect tests/data/si8/vacancy \
  --json results/si8_vacancy.json --h5 results/si8_vacancy.h5 --mem-report
echo
echo "results: results/si8_vacancy.json, results/si8_vacancy.h5"
