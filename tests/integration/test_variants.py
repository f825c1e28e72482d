#!/usr/bin/env python3
"""Formats we have no real file for, made from real ones by
scripts/make_variants.py (same wavefunctions in another rtag / precision /
half-sphere order / gzip): every variant must read to the same numbers as
the original, and the shipped WAVECAR2.gz must equal its plain file."""
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

from common import Checker, REPO, need_shared, run, run_json

root = need_shared()
c = Checker("variants")
tmp = tempfile.mkdtemp()


def as_dir(name, wavecar, structure):
    d = os.path.join(tmp, name)
    os.makedirs(d, exist_ok=True)
    dst = os.path.join(d, "WAVECAR.gz" if wavecar.endswith(".gz") else "WAVECAR")
    shutil.copy(wavecar, dst)
    shutil.copy(structure, os.path.join(d, "POSCAR"))
    return d


def same(a, b, tag, rtol):
    for s, (sa, sb) in enumerate(zip(a["spins"], b["spins"])):
        for k, (ka, kb) in enumerate(zip(sa["kpoints"], sb["kpoints"])):
            t = "%s s%d k%d" % (tag, s, k)
            c.check(ka["npw"] == kb["npw"], t + " npw")
            c.check(np.allclose(ka["coeff_norms"], kb["coeff_norms"], rtol=rtol, atol=0), t + " norms")
            for key in ("band0_first_coeffs", "band_last_first_coeffs"):
                c.check(np.allclose(ka[key], kb[key], rtol=rtol, atol=1e-7), t + " " + key)


cases = [("ga4-spin", "CONTCAR", "standard"), ("co2-gamma", "POSCAR", "gamma-x"), ("ga4-ncl", "CONTCAR", "noncollinear")]
for case, structure, variant in cases:
    src = os.path.join(root, case)
    out = os.path.join(tmp, case + "-variants")
    p = subprocess.run([sys.executable, os.path.join(REPO, "scripts", "make_variants.py"),
                        os.path.join(src, "WAVECAR"), out], capture_output=True, text=True)
    if not c.check(p.returncode == 0, "make_variants %s: %s" % (case, p.stderr[-500:])):
        continue
    ref = run_json(["dump", src], 2)
    ref_info = run_json(["info", src])
    made = sorted(f for f in os.listdir(out) if f.startswith("WAVECAR."))
    c.check(len(made) >= 4, "%s: variants made: %s" % (case, made))
    for f in made:
        tag = "%s/%s" % (case, f)
        d = as_dir(case + "-" + f, os.path.join(out, f), os.path.join(src, structure))
        info = run_json(["info", d])
        suffix = f.split(".", 1)[1]
        if suffix.isdigit():
            c.check(info["rtag"] == int(suffix), tag + " rtag %s" % info["rtag"])
            c.check(info["precision"] == ("complex128" if suffix.endswith("10") else "complex64"), tag + " precision")
        if suffix == "gz":
            c.check(info["gzip"], tag + " detected as gzip")
        want_variant = "gamma-z" if suffix == "gamma-z" else variant
        c.check(info["variant"] == want_variant, "%s variant %s (%s)" % (tag, info["variant"], info["variant_note"]))
        c.check(np.allclose(info["eigenvalues_eV"], ref_info["eigenvalues_eV"], atol=1e-12), tag + " eigenvalues")
        for nranks in (1, 2):
            same(run_json(["dump", d], nranks), ref, "%s %d ranks" % (tag, nranks), 1e-6)
    if variant == "gamma-x":
        # Forcing the wrong half must change the physics; forcing the right one must not.
        d = as_dir(case + "-gz-forced", os.path.join(out, "WAVECAR.gamma-z"), os.path.join(src, structure))
        same(run_json(["dump", d, "--variant", "gamma-z"]), ref, case + " forced gamma-z", 1e-6)
        p = run(["info", d, "--variant", "standard"], check=False)
        c.check(p.returncode != 0 and "forced" in p.stderr, "forcing standard on a Gamma file fails: " + p.stderr)

# The gzip copy shipped with the data, read streamed, equals the plain file.
ga4 = os.path.join(root, "ga4-spin")
d = as_dir("ga4-wavecar2", os.path.join(ga4, "WAVECAR2.gz"), os.path.join(ga4, "CONTCAR"))
plain = run_json(["dump", ga4])
for nranks in (1, 2, 4):
    same(run_json(["dump", d], nranks), plain, "WAVECAR2.gz %d ranks" % nranks, 1e-12)
shutil.rmtree(tmp)
c.close()
