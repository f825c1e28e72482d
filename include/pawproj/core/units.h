/* units.h — the physical constants every layer converts with (CODATA
 * 2018), defined once so that two outputs never disagree in the last
 * digit. Atomic units: ħ = m_e = e = 1, lengths in Bohr, energies in
 * Hartree. */
#ifndef PAWPROJ_UNITS_H
#define PAWPROJ_UNITS_H

#define PP_BOHR_A 0.529177210903          /* Bohr radius, Å */
#define PP_HARTREE_EV 27.211386245988     /* Hartree, eV */
#define PP_DEBYE_PER_EA 4.803204712570263 /* 1 e·Å in Debye (e·1e-10 m / 3.33564e-30 C·m) */

#endif
