"""pawproj_tools: small Python helpers around pawproj (test-data generation).

Modules
-------
wavecar
    VASP WAVECAR conventions with numpy only: reciprocal lattice, the
    plane-wave sphere in VASP file order for every WAVECAR variant, a
    writer for all four precision tags (45200, 45210, 53300, 53310) and a
    simple reader.  See README.md next to this file for the conventions.
gpaw_cases
    cache directory and command of a ../gpaw_example.py test case.
paw
    PAW conventions: a PAW-XML reader, GPAW's real Y_lm, radial form
    factors and reciprocal-space projections (numpy + scipy).

Scripts in this folder (run with /usr/bin/python3)
--------------------------------------------------
check_wavecar.py
    wavecar.py and ../make_variants.py against pymatgen on the real files.
check_gpaw_export.py
    a directory written by ../gpaw_example.py, from its files alone.
pawxml_to_potcar.py
    PAW-XML datasets written in POTCAR layout (for the POTCAR reader's test).
"""

__all__ = ["gpaw_cases", "paw", "wavecar"]
