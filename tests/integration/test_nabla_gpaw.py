#!/usr/bin/env python3
"""One-centre gradient matrices (paw/nabla.h, docs/optics.md) against GPAW.

Usage: test_nabla_gpaw.py TEST_NABLA   (the unit binary; ctest passes it)

For GPAW's own datasets (Debian gpaw-data, /usr/share/gpaw-setups:
Si, Ga, Mo, S, O, W, PBE, read as the .gz files they are), test_nabla
builds N^v_ij = <phi_i|d_v|phi_j> - <phit_i|d_v|phit_j> and writes it;
GPAW's Setup (SetupData.build, no filter) holds the same quantity as
nabla_iiv[i, j, v]: the same projector order (channel-major, m fastest)
and real Y_lm (l=1: y, z, x; ...), the same sign (bra i, derivative on
ket j). Pass: max |ours - GPAW| <= 1e-6 max |GPAW| per species.

GPAW's datasets have no f channel. So that l = 3 is compared too, a copy
of W.PBE with its last d channel relabelled l = 3 (a radial function is a
radial function; the angular algebra is what changes) is compared with
GPAW's Setup.get_derivative_integrals, the routine that makes nabla_iiv,
applied to the same partial waves on GPAW's truncated grid (rgd.new(gcut2)
with gcut2 = ceil(2 max rc), as Setup does).

Skips (77) without GPAW or the datasets."""
import gzip
import os
import re
import subprocess
import sys
import tempfile
import time
from types import SimpleNamespace

import numpy as np

from common import SKIP, Checker, env
from gpawcheck import need_gpaw

SETUPS = "/usr/share/gpaw-setups"
SPECIES = ["Si", "Ga", "Mo", "S", "O", "W"]
TOL = 1e-6


def ours(exe, path, tmp, c, tag):
    """N[i, j, v] from test_nabla (None if it failed)."""
    out = os.path.join(tmp, tag + ".txt")
    p = subprocess.run([exe, path, out], capture_output=True, text=True, env=env(), timeout=300)
    if not c.check(p.returncode == 0, "%s: test_nabla exit %d\n%s%s" % (tag, p.returncode, p.stdout, p.stderr)):
        return None
    rows = np.loadtxt(out, ndmin=2)
    ni = int(round(np.sqrt(len(rows) / 3)))
    N = np.zeros((ni, ni, 3))
    N[rows[:, 1].astype(int), rows[:, 2].astype(int), rows[:, 0].astype(int)] = rows[:, 3]
    return N


def setup_data(symbol, xml):
    from gpaw.setup_data import SetupData
    s = SetupData(symbol, "PBE", readxml=False)
    s.read_xml(source=xml)
    return s


def gpaw_nabla(symbol, xml):
    """GPAW's nabla_iiv of the dataset: a full Setup."""
    from gpaw.xc import XC
    return setup_data(symbol, xml).build(XC("PBE"), 2, None).nabla_iiv


def gpaw_nabla_routine(symbol, xml):
    """Setup.get_derivative_integrals on the partial waves as Setup passes
    them, for datasets a full Setup refuses or that need l = 3."""
    from gpaw.setup import Setup
    s = setup_data(symbol, xml)
    gcut2 = s.rgd.ceil(2 * max(s.rcut_j))
    rgd2 = s.rgd.new(gcut2)
    phi = np.array([f[:gcut2] for f in s.phi_jg])
    phit = np.array([f[:gcut2] for f in s.phit_jg])
    stub = SimpleNamespace(l_j=list(s.l_j), nj=len(s.l_j), ni=sum(2 * l + 1 for l in s.l_j))
    return Setup.get_derivative_integrals(stub, rgd2, phi, phit)


def compare(c, tag, mine, ref):
    if mine is None:
        return
    if not c.check(mine.shape == ref.shape, "%s: shape %s, GPAW %s" % (tag, mine.shape, ref.shape)):
        return
    dev, big = np.abs(mine - ref).max(), np.abs(ref).max()
    print("%-10s ni %2d  max|GPAW| %.6f /Bohr  max|ours - GPAW| %.2e  (relative %.2e)"
          % (tag, ref.shape[0], big, dev, dev / big), flush=True)
    c.check(big > 0 and dev <= TOL * big, "%s: max deviation %.3g > %g x %.3g" % (tag, dev, TOL, big))


def with_f_channel(xml):
    """W.PBE with the id of its last l=2 valence state given l=3."""
    text = xml.decode()
    vs = re.search(r"<valence_states>.*?</valence_states>", text, re.S)
    states = re.findall(r"<state[^>]*/>", vs.group(0))
    last = [s for s in states if re.search(r'\bl="2"', s)][-1]
    block = vs.group(0).replace(last, re.sub(r'\bl="2"', 'l="3"', last))
    return (text[:vs.start()] + block + text[vs.end():]).encode()


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: test_nabla_gpaw.py TEST_NABLA")
    exe = sys.argv[1]
    need_gpaw()
    if not os.path.isdir(SETUPS):
        print("SKIP: %s not found (Debian package gpaw-data)" % SETUPS)
        sys.exit(SKIP)
    c = Checker("gpaw-nabla")
    t0 = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        for sym in SPECIES:
            path = os.path.join(SETUPS, sym + ".PBE.gz")
            if not c.check(os.path.exists(path), "%s missing" % path):
                continue
            xml = gzip.open(path).read()
            compare(c, sym, ours(exe, path, tmp, c, sym), gpaw_nabla(sym, xml))
        # f channels: a copy of W with l = 3 (GPAW's data has none).
        xml = gzip.open(os.path.join(SETUPS, "W.PBE.gz")).read()
        fxml = with_f_channel(xml)
        fpath = os.path.join(tmp, "W-f.PBE.xml")
        with open(fpath, "wb") as f:
            f.write(fxml)
        compare(c, "W(d1->f)", ours(exe, fpath, tmp, c, "W-f"), gpaw_nabla_routine("W", fxml))
        # The routine itself reproduces the full Setup on the unmodified W.
        c.check(np.abs(gpaw_nabla_routine("W", xml) - gpaw_nabla("W", xml)).max() == 0,
                "Setup.get_derivative_integrals as called here is not Setup.nabla_iiv")
    print("gpaw-nabla: %.1f s" % (time.time() - t0))
    c.close()


if __name__ == "__main__":
    main()
