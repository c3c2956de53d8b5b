#ifndef PARAMSHARE_CNUMERICS_SHIM_H
#define PARAMSHARE_CNUMERICS_SHIM_H

// GSL's and OpenBLAS's CBLAS headers declare the same functions with different types, so only
// one may be included. GSL's comes in with its matrix and random-distribution headers anyway;
// the cblas_* symbols it declares are served at run time by OpenBLAS, which the module map
// links ahead of GSL (and so ahead of libgslcblas, a dependency of libgsl).
#include <gsl/gsl_cblas.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_permutation.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_multifit.h>

// OpenBLAS's own controls, from its cblas.h, which cannot be included beside GSL's.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char *openblas_get_config(void);
char *openblas_get_corename(void);

// Swift 6 cannot read mutable C globals, and GSL exposes its generator types that way.
static inline const gsl_rng_type *paramshare_gsl_rng_mt19937(void) {
    return gsl_rng_mt19937;
}

#endif
