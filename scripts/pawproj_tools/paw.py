"""PAW conventions with numpy: reading a PAW-XML dataset, GPAW's real
spherical harmonics, and reciprocal-space projections

    P_ani = (4π/√Ω) Σ_G C_nG i^l Y_lm(q̂) e^{iq·R_a} ∫ r² j_l(qr) p~_j(r) dr

(q = k+G in Bohr⁻¹, Ω in Bohr³; radial integrals are plain sums
f(r_g) dr/dg over the dataset's grid, as pawproj does).
"""
import gzip
import math
import xml.etree.ElementTree as ET

import numpy as np
from scipy.special import spherical_jn


def read_pawxml(path):
    """symbol, z, zval and, on the dataset's grid r (Bohr) with weights dr =
    dr/di, per valence state (file order) its l, rc and the AE / pseudo
    partial waves and projector: dict(..., r, dr, chans=[dict(l, rc, phi,
    phit, pt)]). Plain or gzip files; grids r=a*i/(n-i) and r=a*(exp(d*i)-1)."""
    raw = open(path, "rb").read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    root = ET.fromstring(raw)
    grids = {}
    for g in root.findall("radial_grid"):
        eq = g.get("eq")
        i = np.arange(int(g.get("istart")), int(g.get("iend")) + 1, dtype=float)
        a = float(g.get("a"))
        if eq == "r=a*i/(n-i)":
            n = float(g.get("n"))
            grids[g.get("id")] = (a * i / (n - i), a * n / (n - i) ** 2)
        elif eq == "r=a*(exp(d*i)-1)":
            d = float(g.get("d"))
            grids[g.get("id")] = (a * (np.exp(d * i) - 1), a * d * np.exp(d * i))
        else:
            raise ValueError("%s: radial grid %r is not supported" % (path, eq))

    def func(tag, sid):
        for e in root.findall(tag):
            if e.get("state") == sid:
                return e.get("grid"), np.array(e.text.split(), float)
        raise ValueError("%s has no %s for state %s" % (path, tag, sid))

    chans, grid = [], None
    for s in root.find("valence_states"):
        sid = s.get("id")
        gids, vals = zip(*(func(tag, sid) for tag in
                           ("ae_partial_wave", "pseudo_partial_wave", "projector_function")))
        if len(set(gids)) != 1 or (grid is not None and gids[0] != grid):
            raise ValueError("%s: partial waves and projectors on different grids" % path)
        grid = gids[0]
        chans.append(dict(l=int(s.get("l")), rc=float(s.get("rc") or 0),
                          phi=vals[0], phit=vals[1], pt=vals[2]))
    atom = root.find("atom")
    r, dr = grids[grid]
    return dict(symbol=atom.get("symbol"), z=float(atom.get("Z")), zval=float(atom.get("valence")),
                r=r, dr=dr, chans=chans)


def real_ylm(l, q_Gv):
    """GPAW's real Y_lm (order p: y,z,x; d: xy,yz,3z²-r²,zx,x²-y²) of q̂, (2l+1, nG)."""
    n = np.linalg.norm(q_Gv, axis=1)
    n[n == 0] = 1.0
    x, y, z = (q_Gv / n[:, None]).T
    if l == 0:
        return np.full((1, len(n)), 1.0 / math.sqrt(4 * math.pi))
    if l == 1:
        return math.sqrt(3 / (4 * math.pi)) * np.array([y, z, x])
    if l == 2:
        a, b = math.sqrt(15 / (4 * math.pi)), math.sqrt(5 / (16 * math.pi))
        return np.array([a * x * y, a * y * z, b * (3 * z * z - 1), a * z * x, a / 2 * (x * x - y * y)])
    raise ValueError("real_ylm: l > 2 is not implemented")


def form_factor(l, q, r_g, f_g, dr_g):
    """∫ r² j_l(q r) f(r) dr for each q (Bohr units)."""
    w = r_g ** 2 * f_g * dr_g
    return np.array([np.dot(w, spherical_jn(l, qq * r_g)) for qq in np.atleast_1d(q)])


def projections(C_nG, q_Gv, pos_av, vol, l_j, pt_jg, r_g, dr_g):
    """P (nbands, natoms, ni) of coefficients C_nG at q = k+G (Bohr⁻¹) for
    atoms at Cartesian pos_av (Bohr) in a cell of volume vol (Bohr³)."""
    qn = np.linalg.norm(q_Gv, axis=1)
    uq, inv = np.unique(np.round(qn, 12), return_inverse=True)
    cols = []
    for j, l in enumerate(l_j):
        F = form_factor(l, uq, r_g, pt_jg[j], dr_g)[inv]
        Y = real_ylm(l, q_Gv)
        for m in range(2 * l + 1):
            cols.append((1j ** l) * Y[m] * F)
    radial = np.array(cols)
    P = np.empty((len(C_nG), len(pos_av), len(radial)), complex)
    for a, R in enumerate(pos_av):
        P[:, a, :] = (4 * np.pi / math.sqrt(vol)) * C_nG @ (radial * np.exp(1j * q_Gv @ R)).T
    return P
