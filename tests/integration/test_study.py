#!/usr/bin/env python3
"""A defect study (issue 12 point 1): `project --defects` runs many defects
against one bulk read once, on the shipped Si8 example (tests/data/si8).

  - Each defect's group /defects/LABEL of the study's HDF5 file equals the
    file of the single run of that defect, dataset by dataset, bit for bit
    (and its attributes, but the command line); its JSON summary rows equal
    the single run's band list; 1 rank and 2 ranks (2 k-point groups, and
    1 k-point group × 2 band groups).
  - The bulk is read once: the bytes read of the bulk are those of its band
    records, nspin · nkpts · nbands · reclen from the WAVECAR header read
    here; each defect's are nspin · nkpts · (its bands) · reclen.
  - The file says it is complete (root attribute) and names every defect.
  - Wildcards expand in sorted order and give default labels.
  - --dry-run: the largest defect named, each rank's bytes read = its
    band records, refused over --mem-per-rank (its memory estimate against
    the measured peak is checked on the 64-atom case, test_gpaw_si64.py).
  - A study that fails in its second defect (a WAVECAR cut short) leaves
    neither the file nor its .partial; clear errors for bad lists
    (duplicate labels, a label with a wildcard matching several runs, a
    pattern matching nothing, bad label characters, --defect with
    --defects), and an output over an input of the list is refused."""
import json
import os
import shutil
import struct
import tempfile

import h5py
import numpy as np

from common import REPO, Checker, run

c = Checker("study")
SI8 = os.path.join(REPO, "tests", "data", "si8")
BULK, VAC = os.path.join(SI8, "bulk"), os.path.join(SI8, "vacancy")
BASE = ["project", "--bulk", BULK, "--datasets", BULK]


def header(wavecar):
    """(reclen, nspin, nkpts, nbands) from the first two records."""
    with open(wavecar, "rb") as f:
        reclen, nspin, _ = struct.unpack("<3d", f.read(24))
        f.seek(int(reclen))
        nk, nb = struct.unpack("<2d", f.read(16))
    return int(reclen), int(nspin), int(nk), int(nb)


def same_group(a, b):
    """Names of what differs between two HDF5 groups (datasets bitwise)."""
    diff = sorted(set(a.keys()) ^ set(b.keys()))
    for k in set(a.keys()) & set(b.keys()):
        x, y = a[k][()], b[k][()]
        if x.dtype != y.dtype or x.shape != y.shape or x.tobytes() != y.tobytes():
            diff.append(k)
    for k in (set(a.attrs) | set(b.attrs)) - {"command_line", "label"}:
        if a.attrs.get(k) != b.attrs.get(k):
            diff.append("@" + k)
    return diff


def single(tmp, defect, bands, extra, n):
    h5 = os.path.join(tmp, "single-%s-%s-%d.h5" % (os.path.basename(defect), bands, n))
    p = run(BASE + ["--defect", defect, "--bands", bands, "--h5", h5, "--json", "-"] + extra, n)
    return h5, json.loads(p.stdout)


DEFECTS = [("vac", VAC, "14-16"), ("self", BULK, "1-20"), ("vac14", VAC, "14")]

with tempfile.TemporaryDirectory() as tmp:
    spec = " ".join("%s=%s@%s" % d for d in DEFECTS)
    breclen, bns, bnk, bnb = header(os.path.join(BULK, "WAVECAR"))
    for n, extra in ((1, []), (2, []), (2, ["--kgroups", "1"])):
        tag = "%d rank(s)%s" % (n, " " + " ".join(extra) if extra else "")
        h5 = os.path.join(tmp, "study-%d-%d.h5" % (n, len(extra)))
        p = run(BASE + ["--defects", spec, "--h5", h5, "--json", "-"] + extra, n)
        js = json.loads(p.stdout)
        with h5py.File(h5, "r") as f:
            c.check(f.attrs.get("complete") == b"yes" and f.attrs.get("ndefects") == b"3",
                    "%s: the file is marked complete with 3 defects: %s" % (tag, dict(f.attrs)))
            c.check(sorted(f["defects"].keys()) == sorted(d[0] for d in DEFECTS), tag + ": one group per defect")
            for label, d, bands in DEFECTS:
                ref_h5, ref_js = single(tmp, d, bands, extra, n)
                with h5py.File(ref_h5, "r") as g:
                    diff = same_group(f["defects"][label], g)
                c.check(not diff, "%s: group %s = the single run's file, bit for bit (differs: %s)"
                        % (tag, label, diff))
                rows = [{k: v for k, v in r.items() if k != "label"} for r in js["table"] if r["label"] == label]
                c.check(rows == ref_js["bands"], "%s: summary rows of %s = the single run's bands" % (tag, label))
        want = bns * bnk * bnb * breclen
        c.check(js["bulk_bytes_read"] == want, "%s: bulk read once: %d bytes (band records %d × %d × %d × %d = %d)"
                % (tag, js["bulk_bytes_read"], bns, bnk, bnb, breclen, want))
        for entry, (label, d, bands) in zip(js["defects"], DEFECTS):
            reclen, ns, nk, _ = header(os.path.join(d, "WAVECAR"))
            lo, hi = (int(x) for x in (bands.split("-") * 2)[:2])
            c.check(entry["label"] == label and entry["bytes_read"] == ns * nk * (hi - lo + 1) * reclen,
                    "%s: defect %s read its %d band(s) once: %s" % (tag, label, hi - lo + 1, entry))

    # Wildcards, default labels (the runs' directory names), sorted order.
    p = run(BASE + ["--method", "pseudo", "--bands", "14", "--defects", os.path.join(SI8, "*", ""), "--json", "-"])
    labels = [d["label"] for d in json.loads(p.stdout)["defects"]]
    c.check(labels == ["bulk", "vacancy"], "wildcard: labels from directory names, sorted: %s" % labels)

    # A study that fails in its second defect leaves no file.
    cut = os.path.join(tmp, "cut")
    shutil.copytree(VAC, cut)
    w = os.path.join(cut, "WAVECAR")
    reclen, _, _, _ = header(w)
    os.truncate(w, 3 * reclen + reclen // 2)
    out = os.path.join(tmp, "failed.h5")
    p = run(BASE + ["--defects", "a=%s@14 b=%s@14" % (VAC, cut), "--h5", out], 2, check=False)
    c.check(p.returncode != 0 and "WAVECAR" in p.stderr, "a cut WAVECAR in the second defect fails: %s"
            % p.stderr.strip()[-300:])
    c.check(not os.path.exists(out) and not os.path.exists(out + ".partial"),
            "the failed study leaves neither %s nor its .partial" % os.path.basename(out))

    # --dry-run: the plan of the study, from headers; its pools add up to
    # what the real run's memory report shows at its peak, and it is
    # refused as the run would be.
    p = run(BASE + ["--defects", spec, "--dry-run", "--json", "-"], 2)
    plan = json.loads(p.stdout)
    c.check(plan["largest_defect"] == "self" and plan["kgroups"] == 2,
            "dry run: the largest defect is the one with the most bands: %s" % plan["largest_defect"])
    want = (bns * bnk * bnb * breclen) / 2
    c.check(abs(plan["bytes_read_min_max"][1] - want - sum(
        header(os.path.join(d, "WAVECAR"))[0] * (int((b.split("-") * 2)[1]) - int(b.split("-")[0]) + 1) * bnk / 2
        for _, d, b in DEFECTS)) < 1, "dry run: bytes read per rank = each rank's band records: %s"
            % plan["bytes_read_min_max"])
    p = run(BASE + ["--defects", spec, "--dry-run", "--mem-per-rank", "1M"], 2, check=False)
    c.check(p.returncode != 0 and "dry run" in p.stderr and "budget" in p.stderr,
            "dry run over --mem-per-rank refused: %s" % p.stderr.strip()[-200:])

    def refused(defects, words, what, extra=()):
        p = run(BASE + ["--defects", defects] + list(extra), check=False)
        c.check(p.returncode != 0 and all(x in p.stderr for x in words), "%s: %s" % (what, p.stderr.strip()[-300:]))

    dup = os.path.join(tmp, "other", "vacancy")
    shutil.copytree(VAC, dup)
    refused("%s %s" % (VAC, dup), ["two runs labelled 'vacancy'"], "duplicate default labels")
    refused("a=%s a=%s" % (VAC, BULK), ["two runs labelled 'a'"], "duplicate labels")
    refused("x=%s" % os.path.join(SI8, "*", ""), ["label 'x' names one defect", "matches 2"], "label with a wildcard")
    refused(os.path.join(tmp, "nothing*"), ["matches no file"], "pattern matching nothing")
    refused("a/b=%s" % VAC, ["label 'a/b'"], "bad label characters")
    refused(VAC, ["not both"], "--defect and --defects", ["--defect", VAC])
    refused("v=%s" % VAC, ["refused", "input"], "--h5 over a WAVECAR of the list",
            ["--h5", os.path.join(VAC, "WAVECAR")])
c.close()
