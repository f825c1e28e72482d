"""Shared helpers for pawproj's integration tests (run with Debian's python3).

Each test script is registered with ctest; it prints one line per check
and exits non-zero if any check failed, 77 if it had to skip (ctest is told
that 77 means "skipped")."""
import json
import os
import subprocess
import sys

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SHARED_VASP = os.environ.get(
    "PAWPROJ_SHARED_DATA", os.path.join(os.path.dirname(REPO), "shared", "data", "vasp"))


def pawproj_exe():
    exe = os.environ.get("PAWPROJ_EXE")
    if not exe:
        sys.exit("PAWPROJ_EXE is not set (ctest sets it)")
    return exe


def mpirun_prefix(nranks):
    if nranks <= 1 and not os.environ.get("PAWPROJ_ALWAYS_MPIRUN"):
        return []
    return [os.environ.get("MPIEXEC", "mpirun"), "--oversubscribe", "-n", str(nranks)]


def env():
    e = dict(os.environ)
    e.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
    e.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
    e.setdefault("OMPI_MCA_rmaps_base_oversubscribe", "1")
    # Ranks are the parallelism under test; keep BLAS single-threaded.
    e.setdefault("OPENBLAS_NUM_THREADS", "1")
    e.setdefault("OMP_NUM_THREADS", "1")
    return e


def run(args, nranks=1, check=True, timeout=600, extra_env=None):
    """pawproj ARGS on nranks ranks; extra_env: variables added for this run only."""
    cmd = mpirun_prefix(nranks) + [pawproj_exe()] + list(args) + ["--quiet"]
    e = env()
    e.update(extra_env or {})
    p = subprocess.run(cmd, capture_output=True, text=True, env=e, timeout=timeout)
    if check and p.returncode != 0:
        raise RuntimeError("command failed (%d): %s\nstdout:\n%s\nstderr:\n%s"
                           % (p.returncode, " ".join(cmd), p.stdout, p.stderr))
    return p


def rank_pids(marker):
    """PIDs of the running pawproj processes whose command line holds the
    argument `marker` (an output path unique to one test run)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            argv = open("/proc/%s/cmdline" % pid, "rb").read().split(b"\0")
        except OSError:
            continue
        if argv and argv[0].endswith(b"pawproj") and marker.encode() in argv:
            found.append(int(pid))
    return found


def run_json(args, nranks=1):
    p = run(list(args) + ["--json", "-"], nranks)
    return json.loads(p.stdout)


class Checker:
    def __init__(self, name):
        self.name = name
        self.failed = 0
        self.passed = 0

    def check(self, ok, what):
        if ok:
            self.passed += 1
            if os.environ.get("PAWPROJ_TEST_VERBOSE"):
                print("ok: %s: %s" % (self.name, what), flush=True)
        else:
            self.failed += 1
            print("FAIL: %s: %s" % (self.name, what), flush=True)
        return ok

    def close(self):
        print("%s: %d passed, %d failed" % (self.name, self.passed, self.failed))
        sys.exit(1 if self.failed else 0)


def need_shared():
    if not os.path.isdir(SHARED_VASP):
        print("SKIP: shared VASP data not found at %s" % SHARED_VASP)
        sys.exit(SKIP)
    return SHARED_VASP
