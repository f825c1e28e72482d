#!/bin/sh
# pawproj performance benchmark (read, overlap, memory) in one run.
#
#   scripts/bench/run_all.sh [--quick] [--workdir DIR] [--json FILE] [--keep]
#                            [--pawproj PATH] [--no-pymatgen]
#
# Full run: ~2.9 GB synthetic WAVECAR, about 9 min on a quiet 2-core machine
# (up to ~25 min if other work forces repeats); --quick:
# 0.3 GB, about 1 min. Markdown table on stdout, progress on stderr, all
# numbers in a JSON file. Details: run_all.py (this script only chooses
# Debian's python, which has numpy and pymatgen).
set -eu
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
py=/usr/bin/python3
[ -x "$py" ] || py=python3
exec "$py" "$here/run_all.py" "$@"
