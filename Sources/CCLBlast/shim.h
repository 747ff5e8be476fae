// CLBlast's C API (it includes the OpenCL headers itself, so the target version is set first).
#ifndef SWIFTBERT_CCLBLAST_SHIM_H
#define SWIFTBERT_CCLBLAST_SHIM_H
#define CL_TARGET_OPENCL_VERSION 120
#include <clblast_c.h>
#endif
