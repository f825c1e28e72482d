/* blas.h — the BLAS routines pawproj calls (Fortran interface, provided
 * by OpenBLAS or any reference-compatible BLAS). Column-major. */
#ifndef PAWPROJ_BLAS_H
#define PAWPROJ_BLAS_H

#include <complex.h>

void zgemm_(const char *transa, const char *transb, const int *m, const int *n,
            const int *k, const double complex *alpha, const double complex *a,
            const int *lda, const double complex *b, const int *ldb,
            const double complex *beta, double complex *c, const int *ldc);

#endif
