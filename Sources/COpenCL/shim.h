// OpenCL 1.2 API through the ICD loader. The target version must be set before <CL/cl.h>.
#ifndef SWIFTBERT_COPENCL_SHIM_H
#define SWIFTBERT_COPENCL_SHIM_H
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
#endif
