// Which kernel table this processor runs: the features are read from CPUID at run time, never assumed from a
// processor name. Tables are constants; the Swift side keeps the chosen pointer (no global state here).
#include "sb_cpu_kernels.h"

#include <stddef.h>

extern const sb_cpu_kernels sb_cpu_kernels_baseline;
#if defined(__x86_64__)
extern const sb_cpu_kernels sb_cpu_kernels_avx2;
extern const sb_cpu_kernels sb_cpu_kernels_avx512;
#endif

static int sb_supports(sb_isa isa) {
    switch (isa) {
    case SB_ISA_BASELINE: return 1;
#if defined(__x86_64__)
    case SB_ISA_AVX2:
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c")
            && __builtin_cpu_supports("bmi2");
    case SB_ISA_AVX512:
        return sb_supports(SB_ISA_AVX2) && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
            && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
#endif
    default: return 0;
    }
}

sb_isa sb_cpu_best_isa(void) {
    if (sb_supports(SB_ISA_AVX512)) return SB_ISA_AVX512;
    if (sb_supports(SB_ISA_AVX2)) return SB_ISA_AVX2;
    return SB_ISA_BASELINE;
}

const sb_cpu_kernels *sb_cpu_kernels_for(sb_isa isa) {
    if (!sb_supports(isa)) return NULL;
    switch (isa) {
    case SB_ISA_BASELINE: return &sb_cpu_kernels_baseline;
#if defined(__x86_64__)
    case SB_ISA_AVX2: return &sb_cpu_kernels_avx2;
    case SB_ISA_AVX512: return &sb_cpu_kernels_avx512;
#endif
    default: return NULL;
    }
}
