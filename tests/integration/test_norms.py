#!/usr/bin/env python3
"""`pawproj norms` on the shipped GPAW example: AE norms and orthonormality
to 1e-6 and projections equal to GPAW's (1e-5), with 1, 2 and 4 ranks;
malformed datasets fail with one clear message."""
import os
import shutil
import tempfile

from common import Checker, REPO, run
from pawcheck import check_norms

c = Checker("norms")
root = os.path.join(REPO, "tests", "data", "si8")
for name in ("bulk", "vacancy"):
    for nranks in (1, 2, 4):
        check_norms(c, os.path.join(root, name), nranks, "%s %d ranks" % (name, nranks))

# A dataset that does not belong to the WAVECAR shows at once: GPAW's raw
# (unfiltered) Si dataset is close but not the one used.
raw = "/usr/share/gpaw-setups/Si.PBE.gz"
if os.path.isfile(raw):
    out = run(["norms", os.path.join(root, "bulk"), "--datasets", "Si=" + raw, "--json", "-"]).stdout
    import json
    worst = max(abs(b["ae_norm"] - 1) for b in json.loads(out)["bands"])
    c.check(worst > 1e-6, "unfiltered dataset is detectably wrong (%.1e)" % worst)

tmp = tempfile.mkdtemp()
good = open(os.path.join(root, "bulk", "dataset_Si.xml")).read()
bad = {
    "truncated": (good[: len(good) // 2], ["dataset_Si.xml"]),
    "no-projector": (good.replace("<projector_function state=\"Si-3p\"", "<projector_functionX state=\"Si-3p\""),
                     ["projector_function", "Si-3p"]),
    "short-grid": (good.replace("n=\"450\"", "n=\"450\" ", 1).replace("iend=\"449\"", "iend=\"440\""),
                   ["numbers, expected"]),
    "wrong-element": (good.replace("symbol=\"Si\"", "symbol=\"Ge\""), ["for Ge", "Si"]),
    "not-xml": ("hello", ["not a PAW-XML"]),
}
for name, (text, needles) in bad.items():
    d = os.path.join(tmp, name)
    os.makedirs(d)
    for f in ("WAVECAR", "POSCAR"):
        os.symlink(os.path.join(root, "bulk", f), os.path.join(d, f))
    open(os.path.join(d, "dataset_Si.xml"), "w").write(text)
    js = os.path.join(d, "out.json")
    p = run(["norms", d, "--datasets", d, "--json", js], check=False)
    c.check(p.returncode != 0 and all(n in p.stderr for n in needles),
            "%s: exit %d, %r should contain %s" % (name, p.returncode, p.stderr.strip(), needles))
    c.check(not os.path.exists(js), name + ": no output file")
p = run(["norms", os.path.join(root, "bulk"), "--datasets", tmp], check=False)
c.check(p.returncode == 2 and "no PAW dataset for Si" in p.stderr, "missing dataset: " + p.stderr)
shutil.rmtree(tmp)
c.close()
