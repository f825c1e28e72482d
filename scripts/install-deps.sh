#!/usr/bin/env bash
# Installs (with apt) the Debian packages pawproj needs to build, run and
# test. Idempotent: packages already present are not touched. Runs apt via
# sudo when not root.
set -euo pipefail
PKGS=(build-essential cmake pkg-config
      openmpi-bin libopenmpi-dev libscalapack-openmpi-dev
      libfftw3-dev libfftw3-mpi-dev libhdf5-openmpi-dev libopenblas-dev zlib1g-dev
      libsymspg-dev                                 # spglib: space-group operations (model/symmetry.h)
      python3 python3-numpy python3-scipy python3-h5py python3-pymatgen python3-matplotlib
      gpaw gpaw-data valgrind
      clang libclang-rt-14-dev libomp-dev llvm)   # fuzzing (scripts/fuzz.sh): libFuzzer, ASan/UBSan, llvm-symbolizer
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "[install-deps] all ${#PKGS[@]} packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "[install-deps] installing: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "[install-deps] done"
