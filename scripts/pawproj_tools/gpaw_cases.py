"""Where and how scripts/gpaw_example.py makes a cached GPAW test case.

A case lives in ROOT/NAME-<hash of gpaw_example.py>, so a changed generator
makes new data instead of reusing stale data; it is complete once the
generator has written its marker file `complete` (last).
"""
import hashlib
import os

SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "gpaw_example.py")


def case_dir(root, name):
    digest = hashlib.sha1(open(SCRIPT, "rb").read()).hexdigest()[:12]
    return os.path.join(root, name + "-" + digest)


def ready(out):
    return os.path.isfile(os.path.join(out, "complete"))


def command(python, args, out):
    """The generator on 2 MPI ranks (GPAW's own parallelism)."""
    return ["mpirun", "--oversubscribe", "-n", "2", python, SCRIPT] + list(args) + ["--out", out]
