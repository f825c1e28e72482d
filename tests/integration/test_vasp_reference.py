#!/usr/bin/env python3
"""Every real WAVECAR in shared/data/vasp against its reference.json
(pymatgen's independent reader): header, eigenvalues, occupations, npw,
coefficient norms, first coefficients, Miller indices and pseudo overlaps,
read with N ranks (argv[1])."""
import json
import os
import sys
import tempfile

import numpy as np

from common import Checker, need_shared, run, run_json

nranks = int(sys.argv[1]) if len(sys.argv) > 1 else 1
root = need_shared()
c = Checker("vasp-reference-%dranks" % nranks)
VARIANT = {"std": "standard", "gam": "gamma-x", "ncl": "noncollinear"}

for case in sorted(os.listdir(root)):
    d = os.path.join(root, case)
    ref_path = os.path.join(d, "reference.json")
    if not os.path.isfile(ref_path):
        continue
    ref = json.load(open(ref_path))
    gamma = ref["vasp_type"] == "gam"
    info = run_json(["info", d], nranks)
    c.check(info["variant"] == VARIANT[ref["vasp_type"]], "%s variant %s" % (case, info["variant"]))
    for key in ("nspin", "nkpts", "nbands"):
        c.check(info[key] == ref[key], "%s %s %s vs %s" % (case, key, info[key], ref[key]))
    c.check(abs(info["encut_eV"] - ref["encut_eV"]) < 1e-9, case + " encut")
    c.check(abs(info["efermi_eV"] - ref["efermi_eV"]) < 1e-9, case + " efermi")
    c.check(np.allclose(info["lattice_A"], ref["lattice_A"], atol=1e-12), case + " lattice")
    for k, kp in enumerate(info["kpoints"]):
        c.check(np.allclose(kp["frac"], ref["kpoints_frac"][k], atol=1e-12), "%s k%d frac" % (case, k))
        want = ref["npw_per_kpoint"][k]
        got = 2 * kp["npw"] - 1 if gamma else kp["npw"]
        c.check(got == want, "%s k%d npw %d vs %d" % (case, k, got, want))
    dump = run_json(["dump", d], nranks)
    with tempfile.TemporaryDirectory() as tmp:
        h5 = os.path.join(tmp, "self.h5")
        run(["project", "--method", "pseudo", "--bulk", d, "--defect", d, "--bands", "1-8",
             "--h5", h5], nranks)
        import h5py
        with h5py.File(h5, "r") as f:
            ovl = f["overlaps"][()]
    for s in range(ref["nspin"]):
        for k in range(ref["nkpts"]):
            r = ref["spins"][s]["kpoints"][k]
            tag = "%s s%d k%d" % (case, s, k)
            c.check(np.allclose(info["eigenvalues_eV"][s][k], r["eigenvalues_eV"], rtol=0, atol=1e-9),
                    tag + " eigenvalues")
            c.check(np.allclose(info["occupations"][s][k], r["occupations"], rtol=0, atol=1e-12),
                    tag + " occupations")
            dk = dump["spins"][s]["kpoints"][k]
            c.check(np.allclose(dk["coeff_norms"], r["coeff_norms"], rtol=1e-5, atol=0),
                    tag + " coefficient norms (max rel %.2e)" % np.max(
                        np.abs(np.array(dk["coeff_norms"]) / r["coeff_norms"] - 1)))
            for key in ("band0_first_coeffs", "band_last_first_coeffs"):
                c.check(np.allclose(dk[key], r[key], rtol=1e-5, atol=1e-7), tag + " " + key)
            c.check(dk["first_G_miller"] == r["first_G_miller"], tag + " first Miller indices")
            last = [[-g for g in m] for m in dk["last_G_miller"]] if gamma else dk["last_G_miller"]
            c.check(last == r["last_G_miller"], tag + " last Miller indices %s" % last)
            # overlaps [s][k][defect n][bulk m] = <m|n>; reference |<m|n>| for m, n < 8
            got = np.abs(ovl[s, k, :8, :8]).T
            want = np.array(r["pseudo_overlap_abs_first8"])
            c.check(np.allclose(got, want, rtol=1e-5, atol=1e-6),
                    tag + " pseudo overlaps (max abs diff %.2e)" % np.max(np.abs(got - want)))
c.close()
