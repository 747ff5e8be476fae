// The kernels for x86-64 processors with AVX-512 F/BW/DQ/VL (chosen at run time; see dispatch.c).
#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma,f16c,bmi2"))), apply_to = function)
#define SB_TABLE sb_cpu_kernels_avx512
#define SB_ISA_NAME "AVX-512"
#include "kernels_impl.h"
#pragma clang attribute pop
#endif
