"""pawproj_tools: small Python helpers around pawproj (test-data generation).

Modules
-------
wavecar
    VASP WAVECAR conventions with numpy only: reciprocal lattice, the
    plane-wave sphere in VASP file order for every WAVECAR variant, a
    writer for all four precision tags (45200, 45210, 53300, 53310) and a
    simple reader.  See README.md next to this file for the conventions.
"""

__all__ = ["wavecar"]
