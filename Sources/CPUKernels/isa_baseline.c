// The kernels for the compiler's default target (x86-64: SSE2; arm64: NEON): the path of every processor.
#define SB_TABLE sb_cpu_kernels_baseline
#define SB_ISA_NAME "baseline"
#include "kernels_impl.h"
