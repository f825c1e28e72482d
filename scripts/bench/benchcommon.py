"""What the single-command benchmarks (overlap_bench.py, optics_bench.py)
share: the environment of a pinned one-thread MPI run, the mpirun line, the
synthetic Gamma-only WAVECAR they measure on, and the ZGEMM peak tool they
compare with. run_all.py keeps its own, richer versions (threads, timing)."""
import argparse
import json
import os
import tempfile
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def env():
    """One thread per rank (BLAS and OpenMP), so the peak and the command
    run under the same conditions; root allowed for containers."""
    return dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", OMPI_ALLOW_RUN_AS_ROOT="1",
                OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMPI_MCA_rmaps_base_oversubscribe="1")


def mpirun(n, args):
    return ["mpirun", "--oversubscribe", "-n", str(n)] + args


def synthetic_data(work, atoms, bands, encut):
    """work/data holds a one-k-point synthetic Si WAVECAR (made once, reused
    by later runs with the same --workdir). Returns (directory, npw)."""
    data = os.path.join(work, "data")
    if not os.path.isfile(os.path.join(data, "WAVECAR")):
        subprocess.run([sys.executable, os.path.join(HERE, "make_synthetic.py"), data, "--atoms", str(atoms),
                        "--bands", str(bands), "--encut", str(encut), "--kpoints", "1", "--quiet"], check=True)
    with open(os.path.join(data, "synthetic.json")) as f:
        syn = json.load(f)
    npw = syn.get("npw", syn.get("npw_per_kpoint", [0]))
    return data, (npw[0] if isinstance(npw, list) else npw)


def peak_tool(work):
    """zgemm_peak.c compiled against the BLAS pawproj links."""
    tool = os.path.join(work, "zgemm_peak")
    subprocess.run(["mpicc", "-O2", "-std=c17", os.path.join(HERE, "zgemm_peak.c"), "-o", tool, "-lopenblas"],
                   check=True)
    return tool


def setup(doc, bands, prefix):
    """The options both benchmarks take, then the data and the peak tool
    they need: returns (args, work directory, data directory, npw, peak tool)."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--bands", type=int, default=bands)
    ap.add_argument("--atoms", type=int, default=64)
    ap.add_argument("--encut", type=float, default=300.0)
    ap.add_argument("--ranks", default="1,2,4")
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--pawproj", default=os.path.join(REPO, "build", "src", "pawproj"))
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    work = args.workdir or tempfile.mkdtemp(prefix=prefix)
    data, npw = synthetic_data(work, args.atoms, args.bands, args.encut)
    return args, work, data, npw, peak_tool(work)
