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
# The picture of the levels and their character (Debian's python3, where
# install-deps put h5py and matplotlib).
if /usr/bin/python3 -c "import matplotlib, h5py" 2>/dev/null; then
  /usr/bin/python3 scripts/plot_character.py results/si8_vacancy.h5 -o results/si8_vacancy_character.png \
    --title "Si vacancy in the Si8 cell (tests/data/si8)"
  echo "picture: results/si8_vacancy_character.png"
else
  echo "picture: skipped (needs python3-matplotlib: sudo apt-get install python3-matplotlib, or scripts/install-deps.sh)"
fi
