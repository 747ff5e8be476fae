// Reading CLBlast's current tuning parameters, which its C API cannot do (only the C++ API has
// clblast::RetrieveParameters). A C interface over a small C++ file, so Swift needs no C++ interop.
#ifndef SWIFTBERT_CLBLAST_QUERY_H
#define SWIFTBERT_CLBLAST_QUERY_H
#define CL_TARGET_OPENCL_VERSION 120
#include <stddef.h>
#include <CL/cl.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Returned when `names` or `values` is too small; `*count` and `*names_length` then say what is needed.
#define SWIFTBERT_CLBLAST_QUERY_TOO_SMALL 1

/// The parameters CLBlast uses now for (device, kernel, precision): its database entry, or the values last
/// given to CLBlastOverrideParameters. Names are written to `names` sorted, each followed by '\n', then a NUL;
/// values to `values` in the same order. Returns a CLBlast status code (0 = success, negative = CLBlast's
/// error) or SWIFTBERT_CLBLAST_QUERY_TOO_SMALL. `*count` is the number of parameters and `*names_length` the
/// bytes the names take including the NUL.
int swiftbert_clblast_retrieve_parameters(cl_device_id device, const char *kernel_name, int precision,
                                          char *names, size_t names_capacity,
                                          size_t *values, size_t values_capacity,
                                          size_t *count, size_t *names_length);

#ifdef __cplusplus
}
#endif
#endif
