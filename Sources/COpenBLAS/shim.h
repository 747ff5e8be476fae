// OpenBLAS's CBLAS interface (cblas_sgemm, openblas_set_num_threads, openblas_get_config).
#ifndef SWIFTBERT_COPENBLAS_SHIM_H
#define SWIFTBERT_COPENBLAS_SHIM_H
#include <cblas.h>
#endif
