#!/usr/bin/env python3
"""`pawproj info` shows symmetry (issue 11 point 1): the space group spglib
finds for the run's structure (number, symbol, operations, --symprec), time
reversal (collinear: yes, noncollinear: no), whether the k-points are
symmetry-reduced (IBZ points vs the mesh pp_kmesh_recover finds) and the
operations VASP used (OUTCAR), compared with spglib's.

Real runs (../shared/data/vasp):
- ga4-spin: Cmce (No. 64), 8 operations; VASP 5.4.1's INISYM also 8: match,
  no warning; 2 IBZ points of the 2x2x2 Monkhorst-Pack mesh: symmetry-reduced.
- h-atom (VASP 6.3.0, ISYM = 0): VASP used the identity alone; not compared,
  no warning; 1 point, the whole 1x1x1 mesh.
- co2-gamma (VASP 5.4.4 gamma-only): P4/mmm (No. 123), 16 operations = VASP's 16.
- ga4-ncl: noncollinear, no time reversal; VASP used 2 (its compounded
  magnetic group), spglib 8: a warning.
Mutated copies of ga4-spin's OUTCAR: an operation count of 4 (a warning on
stderr, the JSON's comparison "mismatch" and "warning", exit 0); 2 'primitive'
translations (VASP's 8 x 2 = 16 vs 8: warning); a count that is not a number
(an error naming the file and the line); no symmetry lines at all (not
compared). --symprec: 0, -1 and "abc" are refused; 0.1 still finds Cmce.
A run without OUTCAR says so."""
import os
import re
import shutil
import tempfile

from common import Checker, need_shared, run, run_json

root = need_shared()
c = Checker("symmetry-info")
tmp = tempfile.mkdtemp()


def sym(args):
    return run_json(["info"] + list(args))["symmetry"]


def copy_run(name, src, outcar_edit=None, outcar=True):
    """A copy of run src with links to its files and an edited OUTCAR."""
    d = os.path.join(tmp, name)
    os.makedirs(d)
    for f in os.listdir(os.path.join(root, src)):
        if f == "OUTCAR" or f.startswith("WAVECAR2"):
            continue
        os.symlink(os.path.join(root, src, f), os.path.join(d, f))
    if outcar:
        text = open(os.path.join(root, src, "OUTCAR")).read()
        if outcar_edit:
            text = outcar_edit(text)
        open(os.path.join(d, "OUTCAR"), "w").write(text)
    return d


def line_of(path, pattern):
    for i, l in enumerate(open(path), 1):
        if re.search(pattern, l):
            return i
    return 0


# ---- ga4-spin: match, reduced k-points -----------------------------------
ga4 = os.path.join(root, "ga4-spin")
p = run(["info", ga4])
c.check("Cmce (No. 64), 8 operations" in p.stdout, "ga4-spin text names Cmce, No. 64, 8 operations")
c.check("warning" not in p.stderr, "ga4-spin: no warning (stderr: %r)" % p.stderr[:200])
s = sym([ga4])
c.check(s["spacegroup_number"] == 64 and s["spacegroup_symbol"] == "Cmce" and s["nops"] == 8,
        "ga4-spin JSON: No. 64, Cmce, 8 operations (%s, %s, %s)"
        % (s["spacegroup_number"], s["spacegroup_symbol"], s["nops"]))
c.check(s["symprec_A"] == 1e-5, "default symprec 1e-5 Å")
c.check(s["time_reversal"] is True, "ga4-spin (collinear): time reversal")
k = s["kpoints"]
c.check(k["nkpts"] == 2 and k["set"] == "symmetry-reduced" and k["mesh"] == [2, 2, 2] and k["nmesh"] == 8
        and k["shift"] == [0.5, 0.5, 0.5], "ga4-spin: 2 IBZ points of the 2x2x2 MP mesh (%s)" % k)
v = s["vasp"]
c.check(v["nops_used"] == 8 and v["nops_primitive"] == 8 and v["isym"] == 2 and v["routine"] == "INISYM"
        and v["nops_line"] == line_of(os.path.join(ga4, "OUTCAR"), "INISYM returns"),
        "ga4-spin: VASP used 8 (INISYM line, ISYM = 2): %s" % v)
c.check(v["point_group"] == "C_2h" and v["full_point_group"] == "D_2h" and v["configuration"] == "magnetic",
        "ga4-spin: VASP's point symmetry C_2h, full D_2h, magnetic configuration")
c.check(s["comparison"] == "match" and s["warning"] is None, "ga4-spin: comparison match, no warning")

# ---- h-atom: ISYM = 0 (VASP 6) ---------------------------------------------
h = os.path.join(root, "h-atom")
p = run(["info", h])
c.check("ISYM = 0" in p.stdout and "identity alone" in p.stdout, "h-atom text: VASP used no symmetry, ISYM = 0")
c.check("warning" not in p.stderr, "h-atom: no warning")
s = sym([h])
c.check(s["spacegroup_symbol"] == "Pm-3m" and s["nops"] == 48, "h-atom: spglib Pm-3m, 48 operations")
c.check(s["vasp"]["isym"] == 0 and s["vasp"]["nops_used"] == 1 and s["vasp"]["symmetry_off"] is True
        and s["vasp"]["isym_line"] == line_of(os.path.join(h, "OUTCAR"), r"^\s+ISYM\s+=\s+0\s+0-nonsym"),
        "h-atom: ISYM = 0 from the parameter line, 1 operation used (%s)" % s["vasp"])
c.check(s["comparison"] == "ISYM <= 0" and s["warning"] is None, "h-atom: not compared, no warning")
c.check(s["kpoints"]["set"] == "full mesh" and s["kpoints"]["mesh"] == [1, 1, 1], "h-atom: Γ alone, full mesh")

# ---- co2-gamma (Gamma-only build) -------------------------------------------
s = sym([os.path.join(root, "co2-gamma")])
c.check(s["spacegroup_number"] == 123 and s["nops"] == 16, "co2-gamma: P4/mmm No. 123, 16 operations")
c.check(s["vasp"]["nops_used"] == 16 and s["comparison"] == "match", "co2-gamma: VASP 16 = spglib")
c.check(s["kpoints"]["set"] == "full mesh", "co2-gamma: Γ alone")

# ---- ga4-ncl: noncollinear, VASP's magnetic group lower ---------------------
p = run(["info", os.path.join(root, "ga4-ncl")])
c.check("time rev.   no" in p.stdout, "ga4-ncl: no time reversal")
c.check(p.stderr.count("pawproj: warning:") == 1 and "VASP used 2 space group operation" in p.stderr
        and "magnetic" in p.stderr, "ga4-ncl: one warning, 2 vs 8, magnetic configuration")

# ---- mutated ga4-spin OUTCARs -----------------------------------------------
d = copy_run("ga4-four", "ga4-spin", lambda t: t.replace("INISYM returns: Found  8", "INISYM returns: Found  4"))
p = run(["info", d])
warn = [l for l in p.stderr.splitlines() if "warning" in l]
c.check(p.returncode == 0 and len(warn) == 1 and "VASP used 4 space group operation" in warn[0]
        and "spglib finds 8" in warn[0] and os.path.join(d, "OUTCAR") in warn[0],
        "operation count 4: exit 0, one warning line naming the OUTCAR, 4 vs 8 (%r)" % p.stderr[:300])
p = run(["info", d, "--json", "-"])
import json
s = json.loads(p.stdout)["symmetry"]
c.check(s["comparison"] == "mismatch" and s["warning"] and "4" in s["warning"] and s["vasp"]["nops_used"] == 4,
        "count 4: JSON comparison mismatch with the warning")
c.check("pawproj: warning:" in p.stderr, "count 4 with --json -: the warning still on stderr")

d = copy_run("ga4-trans", "ga4-spin",
             lambda t: t.replace("and found     1 'primitive' translations", "and found     2 'primitive' translations"))
s = sym([d])
c.check(s["vasp"]["primitive_translations"] == 2 and s["vasp"]["nops_used"] == 16 and s["comparison"] == "mismatch"
        and "8 × 2 primitive translations = 16" in s["warning"], "2 primitive translations: 8 x 2 = 16 vs 8")

d = copy_run("ga4-bad", "ga4-spin", lambda t: t.replace("INISYM returns: Found  8", "INISYM returns: Found  X"))
p = run(["info", d], check=False)
bad = line_of(os.path.join(d, "OUTCAR"), "INISYM returns")
c.check(p.returncode != 0 and "%s, line %d:" % (os.path.join(d, "OUTCAR"), bad) in p.stderr
        and len(p.stderr.strip().splitlines()) == 1,
        "garbled count: one error naming the OUTCAR and line %d (%r)" % (bad, p.stderr[:300]))
d = copy_run("ga4-big", "ga4-spin", lambda t: t.replace("INISYM returns: Found  8", "INISYM returns: Found 96"))
p = run(["info", d], check=False)
c.check(p.returncode != 0 and "outside 1..48" in p.stderr, "count 96: refused (at most 48 in a primitive cell)")

d = copy_run("ga4-nosym", "ga4-spin",
             lambda t: "\n".join(l for l in t.splitlines() if "space group operations" not in l
                                 and "ISYM" not in l and "point symmetry" not in l))
s = sym([d])
c.check(s["comparison"] == "not compared" and s["warning"] is None, "OUTCAR without symmetry lines: not compared")

d = copy_run("ga4-nooutcar", "ga4-spin", outcar=False)
s = sym([d])
c.check(s["vasp"] is None and "no OUTCAR" in s["comparison_note"] and s["nops"] == 8,
        "no OUTCAR: said so, spglib still 8")

# ---- --symprec --------------------------------------------------------------
for bad in ("0", "-1", "abc", "nan"):
    p = run(["info", ga4, "--symprec", bad], check=False)
    c.check(p.returncode != 0 and "--symprec" in p.stderr and not p.stdout,
            "--symprec %s refused with one message (%r)" % (bad, p.stderr.strip()[:120]))
s = sym([ga4, "--symprec", "0.1"])
c.check(s["symprec_A"] == 0.1 and s["spacegroup_number"] == 64, "--symprec 0.1: still Cmce, symprec shown")

shutil.rmtree(tmp, ignore_errors=True)
c.close()
