// The kernels for x86-64 processors with AVX2, FMA and F16C (chosen at run time; see dispatch.c).
#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx2,fma,f16c,bmi2"))), apply_to = function)
#define SB_TABLE sb_cpu_kernels_avx2
#define SB_ISA_NAME "AVX2"
#include "kernels_impl.h"
#pragma clang attribute pop
#endif
