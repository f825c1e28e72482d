"""VASP WAVECAR conventions, writer and simple reader (numpy only).

Units are VASP's: Å for the lattice, eV for energies, fractional (reduced)
coordinates for k-points, Miller indices (integers) for G-vectors.

File layout (all records have the same length ``reclen`` in bytes and are
zero-padded to it; every number is little-endian):

======================  ====================================================
record                  contents
======================  ====================================================
0                       float64 (reclen, nspin, rtag)
1                       float64 (nkpts, nbands, encut, lattice[3][3]
                        row-major, efermi)
per spin, per k:        float64 (nplane, kx, ky, kz, then (E_re, E_im, occ)
  k header              for each band).  rtag 45200/45210: exactly one
                        record.  rtag 53300/53310 (VASP 6 "long header"):
                        reclen is set by the coefficient records only and
                        the header spans ceil(8*(4+3*nbands)/reclen)
                        records.
  one record per band   nplane complex coefficients: complex64 for rtag
                        45200/53300, complex128 for 45210/53310.
======================  ====================================================

``nplane`` is the number of coefficients in a band record: the number of
G-vectors for standard and Gamma-only files, twice that for noncollinear
files (spin-up block first, then spin-down, each in G order).

G-vectors are not stored.  They are regenerated from ENCUT, the lattice and
k: G is in the sphere when |(k+G)·B|² / 0.262465831 < ENCUT (B: reciprocal
rows including 2π, Å⁻¹).  File order: G_z outer loop, G_y middle, G_x
inner; each index runs 0, 1, ..., nmax, then -nmax, ..., -1.

Gamma-only files store half the sphere:

* ``gamma-x`` (VASP >= 5.4): G_x >= 0, without (G_x = 0, G_y < 0) and
  without (G_x = G_y = 0, G_z < 0).
* ``gamma-z`` (VASP <= 5.2): G_z >= 0, without (G_z = 0, G_y < 0) and
  without (G_z = G_y = 0, G_x < 0).

and the stored value for G != 0 is sqrt(2)·c(G) (c(0) is stored as is), so
the sum of |stored|² equals the full-sphere norm sum_G |c(G)|², with
c(-G) = conj(c(G)).  Use :func:`gamma_pack` / :func:`gamma_unpack` to go
between the full sphere and the stored half.
"""

from __future__ import annotations

import gzip
import math
import os
from typing import Iterator

import numpy as np

#: 2 m_e / hbar² in 1/(eV Å²), the value VASP uses: E = |k+G|² / HSQ_2M.
HSQ_2M = 0.262465831

#: WAVECAR variants that :func:`gvectors` and :func:`write_wavecar` know.
VARIANTS = ("standard", "ncl", "gamma-x", "gamma-z")

#: Coefficient dtype (little-endian) for each precision tag.
RTAG_DTYPE = {
    45200: np.dtype("<c8"),
    53300: np.dtype("<c8"),
    45210: np.dtype("<c16"),
    53310: np.dtype("<c16"),
}

_F8 = np.dtype("<f8")


def reciprocal(lattice) -> np.ndarray:
    """Reciprocal lattice of ``lattice`` (rows a_i in Å).

    Returns the (3, 3) array whose rows b_j satisfy a_i·b_j = 2π δ_ij (Å⁻¹).
    """
    a = np.asarray(lattice, dtype=float).reshape(3, 3)
    return 2.0 * np.pi * np.linalg.inv(a).T


def _fft_order(nmax: int) -> np.ndarray:
    """0, 1, ..., nmax, -nmax, ..., -1."""
    return np.concatenate((np.arange(0, nmax + 1), np.arange(-nmax, 0)))


def gvectors(lattice, encut: float, kfrac, variant: str = "standard") -> np.ndarray:
    """Miller indices of the plane-wave sphere, in VASP file order.

    Parameters
    ----------
    lattice : (3, 3) array, rows = lattice vectors in Å.
    encut   : plane-wave cutoff in eV.
    kfrac   : k-point in fractional coordinates of the reciprocal lattice.
    variant : "standard", "ncl" (same list as standard), "gamma-x" or
              "gamma-z" (half spheres, see the module docstring).

    Returns
    -------
    (npw, 3) int64 array of (G_x, G_y, G_z).
    """
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; expected one of {VARIANTS}")
    a = np.asarray(lattice, dtype=float).reshape(3, 3)
    b = reciprocal(a)
    k = np.asarray(kfrac, dtype=float).reshape(3)
    # |n_i| = |(k+G)·a_i/2π - k_i| <= gmax |a_i| / 2π + |k_i|
    gmax = math.sqrt(encut * HSQ_2M)
    nmax = np.floor(gmax * np.linalg.norm(a, axis=1) / (2.0 * np.pi) + np.abs(k)).astype(int) + 1

    gx, gy, gz = (_fft_order(n) for n in nmax)
    if variant == "gamma-x":
        gx = gx[gx >= 0]
    elif variant == "gamma-z":
        gz = gz[gz >= 0]

    # One z-plane at a time keeps memory at O(nx*ny) for large cells.
    yy, xx = np.meshgrid(gy, gx, indexing="ij")          # y slower, x inner
    plane = np.stack((xx.ravel(), yy.ravel(), np.zeros(xx.size, dtype=int)), axis=1)
    out = []
    for z in gz:
        plane[:, 2] = z
        q = (plane + k) @ b
        keep = np.einsum("ij,ij->i", q, q) / HSQ_2M < encut
        x, y = plane[:, 0], plane[:, 1]
        if variant == "gamma-x":
            keep &= ~((x == 0) & (y < 0))
            if z < 0:
                keep &= ~((x == 0) & (y == 0))
        elif variant == "gamma-z" and z == 0:
            keep &= ~(y < 0)
            keep &= ~((y == 0) & (x < 0))
        out.append(plane[keep].copy())
    return np.concatenate(out).astype(np.int64)


# --------------------------------------------------------------------------
# Gamma-only half sphere <-> full sphere


def miller_lookup(g_ref, g_query) -> np.ndarray:
    """Index into ``g_ref`` of every row of ``g_query`` (both (n, 3) ints).

    Raises KeyError if a queried G-vector is missing from ``g_ref``.
    """
    g_ref = np.asarray(g_ref, dtype=np.int64)
    g_query = np.asarray(g_query, dtype=np.int64)
    lo = min(g_ref.min(initial=0), g_query.min(initial=0))
    span = max(g_ref.max(initial=0), g_query.max(initial=0)) - lo + 1

    def key(g):
        s = g - lo
        return (s[:, 2] * span + s[:, 1]) * span + s[:, 0]

    kref, kq = key(g_ref), key(g_query)
    order = np.argsort(kref, kind="stable")
    pos = np.searchsorted(kref[order], kq)
    pos = np.minimum(pos, len(order) - 1)
    idx = order[pos]
    missing = kref[idx] != kq
    if np.any(missing):
        raise KeyError(f"{int(missing.sum())} G-vectors not found, e.g. {g_query[missing][0].tolist()}")
    return idx


def _is_zero(g) -> np.ndarray:
    return np.all(np.asarray(g) == 0, axis=1)


def gamma_unpack(g_half, c_stored):
    """Stored half sphere -> full sphere c(G).

    Parameters
    ----------
    g_half   : (n, 3) Miller indices of the stored half, in file order.
    c_stored : (..., n) stored coefficients (sqrt(2)·c(G) for G != 0).

    Returns
    -------
    (g_full, c_full): the stored half followed by the negated non-zero G's
    (the order pymatgen's Wavecar uses), with c(G) = stored/sqrt(2) and
    c(-G) = conj(c(G)); c(0) is taken as stored.
    """
    g_half = np.asarray(g_half, dtype=np.int64)
    c = np.asarray(c_stored)
    zero = _is_zero(g_half)
    scale = np.where(zero, 1.0, 1.0 / math.sqrt(2.0))
    c_half = c * scale
    nz = ~zero
    g_full = np.concatenate((g_half, -g_half[nz]))
    c_full = np.concatenate((c_half, np.conj(c_half[..., nz])), axis=-1)
    return g_full, c_full


def gamma_pack(g_full, c_full, g_half, check_tol: float | None = None) -> np.ndarray:
    """Full sphere c(G) of a Gamma-point state -> stored half-sphere values.

    Parameters
    ----------
    g_full    : (N, 3) Miller indices of the full sphere (any order).
    c_full    : (..., N) coefficients c(G) matching ``g_full``.
    g_half    : (n, 3) the half sphere to store, in file order
                (``gvectors(..., "gamma-x")`` or ``"gamma-z"``).
    check_tol : if given, assert max |c(-G) - conj(c(G))| <= check_tol and
                |Im c(0)| <= check_tol (the state must be real in real space).

    Returns
    -------
    (..., n) array: sqrt(2)·c(G) for G != 0 and c(0) as is.
    """
    c_full = np.asarray(c_full)
    g_half = np.asarray(g_half, dtype=np.int64)
    idx = miller_lookup(g_full, g_half)
    c_half = c_full[..., idx]
    zero = _is_zero(g_half)
    if check_tol is not None:
        idx_neg = miller_lookup(g_full, -g_half)
        err = np.max(np.abs(c_full[..., idx_neg] - np.conj(c_half)), initial=0.0)
        if err > check_tol:
            raise ValueError(f"state is not real: max |c(-G) - c(G)*| = {err:.3e}")
    return c_half * np.where(zero, 1.0, math.sqrt(2.0))


# --------------------------------------------------------------------------
# Writer


def default_reclen(max_nplane: int, nbands: int, rtag: int) -> int:
    """Record length (bytes) for a file whose biggest band record has
    ``max_nplane`` coefficients.

    rtag 45200/45210: max(coefficient record, 8*(4+3*nbands), 8*13).
    rtag 53300/53310: max(coefficient record, 8*13); the k header may then
    span several records (see :func:`header_records`).
    """
    coef = max_nplane * RTAG_DTYPE[rtag].itemsize
    if rtag in (45200, 45210):
        return max(coef, 8 * (4 + 3 * nbands), 8 * 13)
    return max(coef, 8 * 13)


def header_records(reclen: int, nbands: int, rtag: int) -> int:
    """Number of records taken by each k header."""
    n = -(-8 * (4 + 3 * nbands) // reclen)
    if rtag in (45200, 45210) and n != 1:
        raise ValueError(f"rtag {rtag}: the k header ({8 * (4 + 3 * nbands)} bytes) "
                         f"must fit in one record of {reclen} bytes")
    return n


def _open_write(path):
    path = os.fspath(path)
    return gzip.open(path, "wb") if path.endswith(".gz") else open(path, "wb")


def _put(f, data: bytes, length: int) -> None:
    if len(data) > length:
        raise ValueError(f"record of {len(data)} bytes does not fit in {length}")
    f.write(data)
    f.write(bytes(length - len(data)))


def write_wavecar(path, lattice, encut, efermi, kpoints_frac, eigs, occs, coeffs,
                  rtag: int = 45200, variant: str = "standard", reclen: int | None = None):
    """Write a WAVECAR.

    Parameters
    ----------
    path         : output file; a name ending in ".gz" is gzip-compressed.
    lattice      : (3, 3) lattice vectors (rows) in Å.
    encut        : ENCUT in eV (defines the G sphere, see :func:`gvectors`).
    efermi       : Fermi energy in eV.
    kpoints_frac : (nkpts, 3) fractional k-points.
    eigs         : [nspin][nkpts][nbands] eigenvalues in eV.  If complex,
                   the imaginary part is written as E_im (VASP writes tiny
                   non-zero values there); otherwise E_im = 0.
    occs         : [nspin][nkpts][nbands] occupations in [0, 1].
    coeffs       : [nspin][nkpts][nbands] arrays, or a callable
                   ``coeffs(spin, k, band)``; each gives the band record in
                   the order of ``gvectors(lattice, encut, k, variant)``:
                   npw values (standard, Gamma), 2*npw for "ncl" (spin-up
                   block first).  For "gamma-x"/"gamma-z" these are the
                   *stored* half-sphere values (sqrt(2)·c(G) for G != 0,
                   c(0) as is) -- see :func:`gamma_pack`.
    rtag         : 45200, 45210, 53300 or 53310 (precision / layout tag).
    variant      : one of VARIANTS.  "ncl" requires nspin == 1.
    reclen       : record length in bytes; default :func:`default_reclen`.

    Returns
    -------
    dict with reclen, nspin, nkpts, nbands, npw (G count per k), nplane.
    """
    if rtag not in RTAG_DTYPE:
        raise ValueError(f"unknown rtag {rtag}")
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}")
    lattice = np.asarray(lattice, dtype=float).reshape(3, 3)
    kpts = np.asarray(kpoints_frac, dtype=float).reshape(-1, 3)
    eigs = np.asarray(eigs)
    occs = np.asarray(occs, dtype=float)
    if eigs.ndim != 3 or eigs.shape != occs.shape or eigs.shape[1] != len(kpts):
        raise ValueError(f"eigs/occs must be [nspin][nkpts][nbands]; got {eigs.shape}, {occs.shape}")
    nspin, nkpts, nbands = eigs.shape
    if nspin not in (1, 2) or (variant == "ncl" and nspin != 1):
        raise ValueError(f"nspin = {nspin} not allowed for variant {variant}")
    if variant.startswith("gamma") and np.any(np.abs(kpts) > 1e-12):
        raise ValueError("Gamma-only variants need all k-points at Gamma")

    get = coeffs if callable(coeffs) else (lambda s, k, b: coeffs[s][k][b])
    dtype = RTAG_DTYPE[rtag]
    ncomp = 2 if variant == "ncl" else 1
    npw = [len(gvectors(lattice, encut, k, variant)) for k in kpts]
    nplane = [ncomp * n for n in npw]
    if reclen is None:
        reclen = default_reclen(max(nplane), nbands, rtag)
    if reclen % 8 or reclen < max(max(nplane) * dtype.itemsize, 8 * 13):
        raise ValueError(f"reclen {reclen} too small or not a multiple of 8")
    nhead = header_records(reclen, nbands, rtag)

    with _open_write(path) as f:
        _put(f, np.array([reclen, nspin, rtag], dtype=_F8).tobytes(), reclen)
        rec1 = np.concatenate(([nkpts, nbands, encut], lattice.ravel(), [efermi]))
        _put(f, rec1.astype(_F8).tobytes(), reclen)
        for s in range(nspin):
            for ik in range(nkpts):
                enocc = np.zeros((nbands, 3))
                enocc[:, 0] = np.real(eigs[s, ik])
                enocc[:, 1] = np.imag(eigs[s, ik])
                enocc[:, 2] = occs[s, ik]
                head = np.concatenate(([nplane[ik]], kpts[ik], enocc.ravel()))
                _put(f, head.astype(_F8).tobytes(), nhead * reclen)
                for ib in range(nbands):
                    c = np.asarray(get(s, ik, ib)).reshape(-1)
                    if c.size != nplane[ik]:
                        raise ValueError(f"spin {s} k {ik} band {ib}: {c.size} coefficients, "
                                         f"expected {nplane[ik]} ({variant})")
                    _put(f, c.astype(dtype).tobytes(), reclen)
    return {"reclen": reclen, "nspin": nspin, "nkpts": nkpts, "nbands": nbands,
            "npw": npw, "nplane": nplane, "header_records": nhead}


# --------------------------------------------------------------------------
# Reader


def _open_read(path):
    path = os.fspath(path)
    with open(path, "rb") as f:
        magic = f.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")


class Wavecar:
    """Simple WAVECAR reader (plain or gzip), meant for tools and tests.

    Attributes after construction (indices are 0-based):

    reclen, nspin, rtag, nkpts, nbands, encut, efermi
    lattice   : (3, 3) Å, rows
    kpoints   : (nkpts, 3) fractional
    eigs      : (nspin, nkpts, nbands) float, eV (real part)
    eigs_imag : (nspin, nkpts, nbands) float, the E_im column
    occs      : (nspin, nkpts, nbands)
    nplane    : (nkpts,) coefficients per band record
    npw       : (nkpts,) G-vectors per k (nplane/2 for ncl)
    variant   : detected variant; a half-sphere file is reported as
                ``gamma_half`` ("gamma-x" unless told otherwise: the count
                cannot tell the two halves apart)
    header_records : records per k header (1 unless rtag 533x0 and many bands)

    Use :meth:`coeffs` for one band, :meth:`iter_coeffs` to stream all
    bands in file order, :meth:`gvectors` for the G list of a k-point.
    Use as a context manager or call :meth:`close`.
    """

    def __init__(self, path, gamma_half: str = "gamma-x"):
        if gamma_half not in ("gamma-x", "gamma-z"):
            raise ValueError("gamma_half must be 'gamma-x' or 'gamma-z'")
        self.path = os.fspath(path)
        self._f = _open_read(self.path)
        rec0 = np.frombuffer(self._f.read(24), dtype=_F8)
        self.reclen, self.nspin, self.rtag = (int(round(x)) for x in rec0)
        if self.rtag not in RTAG_DTYPE:
            raise ValueError(f"{self.path}: unknown rtag {self.rtag}")
        self.dtype = RTAG_DTYPE[self.rtag]
        rec1 = np.frombuffer(self._read(1, 13 * 8), dtype=_F8)
        self.nkpts, self.nbands = int(rec1[0]), int(rec1[1])
        self.encut = float(rec1[2])
        self.lattice = rec1[3:12].reshape(3, 3).copy()
        self.efermi = float(rec1[12])
        self.header_records = -(-8 * (4 + 3 * self.nbands) // self.reclen)

        shape = (self.nspin, self.nkpts, self.nbands)
        self.eigs, self.eigs_imag, self.occs = np.zeros(shape), np.zeros(shape), np.zeros(shape)
        self.kpoints = np.zeros((self.nkpts, 3))
        self.nplane = np.zeros(self.nkpts, dtype=int)
        nhead_doubles = 4 + 3 * self.nbands
        for s in range(self.nspin):
            for k in range(self.nkpts):
                h = np.frombuffer(self._read(self._krec(s, k), 8 * nhead_doubles), dtype=_F8)
                self.nplane[k] = int(h[0])
                self.kpoints[k] = h[1:4]
                enocc = h[4:].reshape(self.nbands, 3)
                self.eigs[s, k], self.eigs_imag[s, k], self.occs[s, k] = enocc.T

        # variant from the plane count of the first k-point
        n_std = len(gvectors(self.lattice, self.encut, self.kpoints[0], "standard"))
        if self.nplane[0] == n_std:
            self.variant = "standard"
        elif self.nplane[0] == 2 * n_std:
            self.variant = "ncl"
        elif self.nplane[0] == len(gvectors(self.lattice, self.encut, self.kpoints[0], gamma_half)):
            self.variant = gamma_half
        else:
            raise ValueError(f"{self.path}: nplane {self.nplane[0]} matches no variant "
                             f"(standard sphere has {n_std})")
        self.npw = self.nplane // (2 if self.variant == "ncl" else 1)
        for k in range(self.nkpts):
            n = len(gvectors(self.lattice, self.encut, self.kpoints[k], self.variant))
            if n != self.npw[k]:
                raise ValueError(f"{self.path}: k {k}: {self.npw[k]} G-vectors stored, "
                                 f"{n} generated for {self.variant}")

    # record bookkeeping
    def _krec(self, s: int, k: int) -> int:
        return 2 + (s * self.nkpts + k) * (self.header_records + self.nbands)

    def _read(self, rec: int, nbytes: int) -> bytes:
        self._f.seek(rec * self.reclen)
        data = self._f.read(nbytes)
        if len(data) != nbytes:
            raise EOFError(f"{self.path}: short read at record {rec}")
        return data

    def gvectors(self, k: int) -> np.ndarray:
        """Miller indices of k-point ``k`` in file order."""
        return gvectors(self.lattice, self.encut, self.kpoints[k], self.variant)

    def coeffs(self, s: int, k: int, b: int) -> np.ndarray:
        """Stored coefficients of (spin, k, band): 1-D, nplane values, in
        the file's precision (for Gamma files: stored half-sphere values)."""
        rec = self._krec(s, k) + self.header_records + b
        n = int(self.nplane[k])
        return np.frombuffer(self._read(rec, n * self.dtype.itemsize), dtype=self.dtype).copy()

    def iter_coeffs(self) -> Iterator[tuple[int, int, int, np.ndarray]]:
        """Yield (spin, k, band, coefficients) in file order."""
        for s in range(self.nspin):
            for k in range(self.nkpts):
                for b in range(self.nbands):
                    yield s, k, b, self.coeffs(s, k, b)

    def close(self) -> None:
        self._f.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def read_wavecar(path, gamma_half: str = "gamma-x") -> Wavecar:
    """Open ``path`` (plain or gzip) and read all headers; see :class:`Wavecar`."""
    return Wavecar(path, gamma_half=gamma_half)
