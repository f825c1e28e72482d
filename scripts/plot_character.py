#!/usr/bin/python3
"""Picture of the band character of defect levels from the HDF5 results of
`pawproj project --h5`.

Usage: plot_character.py RESULTS.h5 -o FILE.png [--title T] [--dpi N] [--print]

Per defect the picture has two panels:
  * the defect levels on an energy axis relative to the bulk VBM, with the
    bulk valence and conduction bands shaded; each level is the k-weighted
    mean eigenvalue of a selected defect band (weights: `kweights`,
    normalised), coloured by its character (a mix of the valence,
    conduction and outside colours in proportion), drawn with a filled
    marker when occupied (mean occupation > 0.5) and an empty one when not;
  * a stacked bar chart of each band's valence / conduction / outside part.
VBM = highest bulk eigenvalue with occupation > 0.5, CBM = lowest with
occupation <= 0.5 (over all spins and k-points), the split `project` uses.
outside = 1 - valence - conduction with method paw (what the bulk bands
miss); 0 with method pseudo, whose character is renormalised.

Energies are the two runs' eigenvalues as stored: no potential alignment
between the bulk and the defect cell is applied.

Input layouts (include/pawproj/io/projectout.h):
  (a) one defect: the datasets and attributes at the root;
  (b) several defects: a group /defects with one subgroup per defect, named
      by its label (or carrying a "label" attribute), each holding layout (a).

The picture is FIG_WIDTH x FIG_HEIGHT inches per defect, i.e.
(FIG_WIDTH * n_defects * dpi) x (FIG_HEIGHT * dpi) pixels. Bad input (missing
file, not HDF5, missing or inconsistent dataset) is reported in one line on
stderr with exit status 2; a missing Python module gives exit status 1.
Needs Debian's python3-numpy, python3-h5py and python3-matplotlib.
"""
import argparse
import os
import sys
from dataclasses import dataclass

try:
    import h5py
    import numpy as np
except ImportError as e:  # the message says which package to install
    sys.exit("plot_character.py: error: %s (Debian: apt install python3-numpy python3-h5py)" % e)

PROG = "plot_character.py"
FIG_WIDTH = 6.0   # inches per defect
FIG_HEIGHT = 4.5  # inches
DEFAULT_DPI = 150
OCCUPIED = 0.5    # occupation threshold of `project` (valence = occ > 0.5)

# The datasets the picture needs; other datasets of the file are ignored.
NEEDED = ("bulk_eigenvalues", "bulk_occupations", "defect_eigenvalues",
          "defect_occupations", "kweights", "defect_bands", "character")

COLOURS = {"valence": np.array([0.12, 0.40, 0.80]),     # blue
           "conduction": np.array([0.85, 0.20, 0.15]),  # red
           "outside": np.array([0.55, 0.55, 0.55])}     # grey
PARTS = ("valence", "conduction", "outside")


class InputError(Exception):
    """A problem with the input file, reported in one line with exit 2."""


@dataclass
class Level:
    spin: int          # 1-based
    band: int          # 1-based defect band
    energy: float      # eV relative to the bulk VBM
    occupation: float  # k-weighted mean
    valence: float
    conduction: float
    outside: float


@dataclass
class Defect:
    label: str
    method: str
    vbm: float         # absolute, eV
    cbm: float         # absolute, eV
    levels: list


# ---- reading --------------------------------------------------------------

def text_attr(obj, name, default=None):
    """A string attribute (h5py gives fixed-length strings as bytes)."""
    if name not in obj.attrs:
        return default
    v = obj.attrs[name]
    if isinstance(v, np.ndarray) and v.shape == ():
        v = v[()]
    return v.decode() if isinstance(v, bytes) else str(v)


def open_results(path):
    if not os.path.exists(path):
        raise InputError("%s: no such file" % path)
    if not os.path.isfile(path):
        raise InputError("%s: not a regular file" % path)
    try:
        hdf5 = h5py.is_hdf5(path)
    except OSError as e:
        raise InputError("%s: cannot read (%s)" % (path, e.strerror or e))
    if not hdf5:
        raise InputError("%s: not an HDF5 file" % path)
    try:
        return h5py.File(path, "r")
    except OSError as e:
        raise InputError("%s: cannot open as HDF5 (%s)" % (path, e))


def defect_groups(f):
    """(label, group) per defect: layout (b) is the iteration over /defects,
    layout (a) the root as the only defect."""
    if "defects" not in f:
        return [(single_label(f), f)]
    top = f["defects"]
    if not isinstance(top, h5py.Group):
        raise InputError("%s: /defects is not a group" % f.filename)
    groups = [(text_attr(g, "label", name), g) for name, g in top.items() if isinstance(g, h5py.Group)]
    if not groups:
        raise InputError("%s: /defects holds no defect group" % f.filename)
    return groups


def single_label(f):
    """A single-defect file has no label: name it after the defect run's
    folder (the WAVECAR's directory), else after the file."""
    label = text_attr(f, "label")
    if label:
        return label
    wavecar = text_attr(f, "defect_wavecar")
    folder = os.path.basename(os.path.dirname(wavecar)) if wavecar else ""
    return folder or os.path.splitext(os.path.basename(f.filename))[0]


def dataset(group, name, where):
    if name not in group or not isinstance(group[name], h5py.Dataset):
        raise InputError("%s: dataset '%s' missing" % (where, name))
    try:
        return np.asarray(group[name][()])
    except (OSError, ValueError, TypeError) as e:
        raise InputError("%s: dataset '%s' unreadable (%s)" % (where, name, e))


def where_of(f, group):
    return f.filename if group.name == "/" else "%s:%s" % (f.filename, group.name)


def check_shapes(d, where):
    """The shapes projectout.h promises; a mismatch would otherwise surface
    as an index error far from its cause."""
    be, bo, de, do, kw, bands, ch = (d[n] for n in NEEDED)
    if be.ndim != 3 or bo.shape != be.shape:
        raise InputError("%s: bulk_eigenvalues %s / bulk_occupations %s are not [spin][k][band] alike"
                         % (where, be.shape, bo.shape))
    if de.ndim != 3 or do.shape != de.shape:
        raise InputError("%s: defect_eigenvalues %s / defect_occupations %s are not [spin][k][band] alike"
                         % (where, de.shape, do.shape))
    if kw.ndim != 1 or kw.size != de.shape[1] or not np.sum(kw) > 0:
        raise InputError("%s: kweights %s do not match %d k-points of defect_eigenvalues or sum to <= 0"
                         % (where, kw.shape, de.shape[1]))
    if bands.ndim != 1 or bands.size == 0 or bands.min() < 1 or bands.max() > de.shape[2]:
        raise InputError("%s: defect_bands %s not 1-based bands of the %d defect bands"
                         % (where, bands.tolist(), de.shape[2]))
    if ch.shape != (de.shape[0], bands.size, 3):
        raise InputError("%s: character %s is not [%d spins][%d bands][3]"
                         % (where, ch.shape, de.shape[0], bands.size))


def bulk_edges(eig, occ, where):
    """VBM and CBM over all spins and k-points, split as `project` splits
    valence and conduction."""
    occupied, empty = eig[occ > OCCUPIED], eig[occ <= OCCUPIED]
    if occupied.size == 0 or empty.size == 0:
        raise InputError("%s: bulk has no %s band: VBM/CBM undefined"
                         % (where, "occupied" if occupied.size == 0 else "empty"))
    return float(occupied.max()), float(empty.min())


def outside_part(method, valence, conduction):
    # paw is not renormalised: what the bulk bands miss is 1 - v - c.
    # pseudo renormalises to v + c = 1, so nothing is outside by construction.
    return 1.0 - valence - conduction if method == "paw" else 0.0


def read_defect(f, label, group):
    where = where_of(f, group)
    d = {n: dataset(group, n, where) for n in NEEDED}
    check_shapes(d, where)
    # The method is the defect's own attribute; a multi-defect root may
    # carry it once for all.
    method = text_attr(group, "method") or text_attr(f, "method")
    if method not in ("paw", "pseudo"):
        raise InputError("%s: attribute 'method' is %r, not paw or pseudo" % (where, method))
    vbm, cbm = bulk_edges(d["bulk_eigenvalues"], d["bulk_occupations"], where)
    w = d["kweights"] / np.sum(d["kweights"])
    levels = []
    for s in range(d["defect_eigenvalues"].shape[0]):
        for i, band in enumerate(d["defect_bands"]):
            v, c = (float(x) for x in d["character"][s, i, :2])
            levels.append(Level(spin=s + 1, band=int(band),
                                energy=float(w @ d["defect_eigenvalues"][s, :, band - 1]) - vbm,
                                occupation=float(w @ d["defect_occupations"][s, :, band - 1]),
                                valence=v, conduction=c, outside=outside_part(method, v, c)))
    return Defect(label=label, method=method, vbm=vbm, cbm=cbm, levels=levels)


def read_results(path):
    f = open_results(path)
    with f:
        return [read_defect(f, label, g) for label, g in defect_groups(f)]


# ---- text -----------------------------------------------------------------

def print_summary(defects, out=sys.stdout):
    """One header line per defect, one line per level; energies in eV, the
    VBM absolute, everything else relative to it."""
    for d in defects:
        print("%s (method %s): bulk VBM %.6f eV absolute; relative to it: CBM %.6f eV"
              % (d.label, d.method, d.vbm, d.cbm - d.vbm), file=out)
        for lv in d.levels:
            print("  spin %d band %d: level %.6f eV  occupation %.4f  valence %.4f  conduction %.4f  outside %.4f"
                  % (lv.spin, lv.band, lv.energy, lv.occupation, lv.valence, lv.conduction, lv.outside),
                  file=out)


# ---- picture --------------------------------------------------------------

def shares(lv):
    """The three parts as drawable fractions: a slightly negative outside
    (v + c a little above 1 from rounding) is drawn as none."""
    return {"valence": max(lv.valence, 0.0), "conduction": max(lv.conduction, 0.0),
            "outside": max(lv.outside, 0.0)}


def level_colour(lv):
    s = shares(lv)
    total = sum(s.values())
    if total <= 0:
        return COLOURS["outside"]
    return sum(COLOURS[p] * s[p] for p in PARTS) / total


def band_name(lv, nspin):
    return str(lv.band) if nspin == 1 else "%d%s" % (lv.band, "↑" if lv.spin == 1 else "↓")


def degenerate_slots(levels, tol=0.02):
    """(slot, count) per level: levels within tol eV of each other in one
    spin share the column side by side instead of hiding each other."""
    slots = [(0, 1)] * len(levels)
    order = sorted(range(len(levels)), key=lambda i: (levels[i].spin, levels[i].energy))
    group = []
    for i in order + [None]:
        if group and (i is None or levels[i].spin != levels[group[0]].spin
                      or levels[i].energy - levels[group[-1]].energy > tol):
            for k, j in enumerate(group):
                slots[j] = (k, len(group))
            group = []
        if i is not None:
            group.append(i)
    return slots


def energy_limits(d):
    gap = d.cbm - d.vbm
    energies = [lv.energy for lv in d.levels]
    return min(-1.0, min(energies) - 0.5), max(gap + 1.0, max(energies) + 0.5)


def draw_levels(ax, d):
    gap = d.cbm - d.vbm
    lo, hi = energy_limits(d)
    nspin = max(lv.spin for lv in d.levels)
    ax.axhspan(lo, 0.0, color=COLOURS["valence"], alpha=0.15, lw=0)
    ax.axhspan(gap, hi, color=COLOURS["conduction"], alpha=0.15, lw=0)
    ax.axhline(0.0, color=COLOURS["valence"], lw=1.2, ls="--")
    ax.axhline(gap, color=COLOURS["conduction"], lw=1.2, ls="--")
    ax.text(0.02, 0.0, "bulk VBM", color=COLOURS["valence"], va="top", fontsize=8,
            transform=ax.get_yaxis_transform())
    ax.text(0.02, gap, "bulk CBM", color=COLOURS["conduction"], va="bottom", fontsize=8,
            transform=ax.get_yaxis_transform())
    for lv, (slot, count) in zip(d.levels, degenerate_slots(d.levels)):
        # Spin s owns the column [s - 1, s]; degenerate levels split it.
        width = 0.6 / count
        x0 = lv.spin - 1 + 0.2 + slot * width
        colour = level_colour(lv)
        ax.hlines(lv.energy, x0 + 0.1 * width, x0 + 0.9 * width, colors=[colour], lw=3)
        ax.plot(x0 + 0.5 * width, lv.energy, "o", ms=7, mec=colour, mew=1.5,
                mfc=colour if lv.occupation > OCCUPIED else "white")
        ax.text(x0 + 0.5 * width, lv.energy, "%d\n" % lv.band, ha="center", va="bottom", fontsize=7)
    ax.set_xlim(0, nspin)
    ax.set_ylim(lo, hi)
    if nspin == 2:
        ax.set_xticks([0.5, 1.5], ["spin ↑", "spin ↓"])
    else:
        ax.set_xticks([])
    ax.set_xlabel("defect levels" + (" (spin-paired)" if nspin == 1 else ""))
    ax.set_ylabel("E − E(bulk VBM) (eV)")
    ax.set_title("%s (%s)" % (d.label, d.method), fontsize=10)


def draw_bars(ax, d):
    nspin = max(lv.spin for lv in d.levels)
    x = np.arange(len(d.levels))
    bottom = np.zeros(len(d.levels))
    for part in PARTS:
        h = np.array([shares(lv)[part] for lv in d.levels])
        ax.bar(x, h, bottom=bottom, color=COLOURS[part], width=0.7, label=part)
        bottom += h
    ax.set_xticks(x, [band_name(lv, nspin) for lv in d.levels])
    ax.set_xlabel("defect band")
    ax.set_ylabel("character (fraction, dimensionless)")
    ax.set_ylim(0, max(1.0, float(bottom.max())) * 1.05)
    ax.axhline(1.0, color="black", lw=0.6, ls=":")


def legend_handles():
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    return ([Patch(color=COLOURS[p], label=p) for p in PARTS]
            + [Line2D([], [], ls="", marker="o", mfc="black", mec="black", label="occupied"),
               Line2D([], [], ls="", marker="o", mfc="white", mec="black", label="empty")])


def draw(defects, path, title, dpi):
    try:
        import matplotlib
        matplotlib.use("Agg")  # files only: no display needed
        import matplotlib.pyplot as plt
    except ImportError as e:
        sys.exit("%s: error: %s (Debian: apt install python3-matplotlib)" % (PROG, e))
    n = len(defects)
    fig = plt.figure(figsize=(FIG_WIDTH * n, FIG_HEIGHT), dpi=dpi)
    grid = fig.add_gridspec(1, 2 * n, width_ratios=[1.0, 1.2] * n)
    for i, d in enumerate(defects):
        draw_levels(fig.add_subplot(grid[0, 2 * i]), d)
        draw_bars(fig.add_subplot(grid[0, 2 * i + 1]), d)
    if title:
        fig.suptitle(title)
    fig.legend(handles=legend_handles(), loc="lower center", ncol=5, fontsize=8, frameon=False)
    # Room for the legend below and the title above; the figure size (and
    # so the pixel size) stays FIG_WIDTH * n x FIG_HEIGHT inches.
    fig.tight_layout(rect=(0, 0.06, 1, 0.94 if title else 1))
    try:
        fig.savefig(path, dpi=dpi)
    except (OSError, ValueError) as e:
        raise InputError("%s: cannot write (%s)" % (path, getattr(e, "strerror", None) or e))
    finally:
        plt.close(fig)


# ---- command line ---------------------------------------------------------

def positive_int(text):
    try:
        v = int(text)
    except ValueError:
        v = 0
    if v <= 0:
        raise argparse.ArgumentTypeError("must be a positive integer, not %r" % text)
    return v


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Defect levels and their valence / conduction character from the HDF5 "
                    "results of `pawproj project --h5` (one defect at the root, or several "
                    "under /defects/LABEL).",
        epilog="Energies in eV relative to the bulk VBM (no potential alignment). The picture is "
               "%g x %g inches per defect. Bad input: one line on stderr, exit status 2."
               % (FIG_WIDTH, FIG_HEIGHT))
    p.add_argument("results", metavar="RESULTS.h5", help="file written by pawproj project --h5")
    p.add_argument("-o", dest="output", metavar="FILE", required=True,
                   help="picture to write (PNG; the format follows the extension)")
    p.add_argument("--title", help="title above the picture")
    p.add_argument("--dpi", type=positive_int, default=DEFAULT_DPI,
                   help="resolution in dots per inch (default %d)" % DEFAULT_DPI)
    p.add_argument("--print", dest="print_levels", action="store_true",
                   help="also print per defect the VBM, CBM and levels (eV, relative to the VBM)")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        defects = read_results(args.results)
        if args.print_levels:
            print_summary(defects)
        draw(defects, args.output, args.title, args.dpi)
    except InputError as e:
        print("%s: error: %s" % (PROG, e), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
