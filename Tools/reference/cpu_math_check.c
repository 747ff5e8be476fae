// Measures the error bounds stated in Sources/CPUKernels/sb_math.h against double precision:
//   clang -O2 -I Sources/CPUKernels/include Tools/reference/cpu_math_check.c -lm && ./a.out
// Prints the worst error of sb_exp (ulp) and sb_erfc (relative) over a dense sweep of each range, and of the
// GELU forms built from them (relative, plus absolute where the value underflows toward 0).
#include "../../Sources/CPUKernels/sb_math.h"

#include <math.h>
#include <stdio.h>

static double ulp_of(float x) { return (double)nextafterf(fabsf(x), INFINITY) - (double)fabsf(x); }

int main(void) {
    double worst_exp = 0, worst_exp_at = 0;
    for (float x = -86.0f; x <= 88.0f; x += 0.000731f) {
        double exact = exp((double)x), got = sb_exp(x);
        double e = fabs(got - exact) / ulp_of((float)exact);
        if (e > worst_exp) { worst_exp = e; worst_exp_at = x; }
    }
    double worst_erfc = 0, worst_erfc_at = 0;
    for (float z = -4.0f; z <= 4.0f; z += 0.0000731f) {
        double exact = erfc((double)z), got = sb_erfc(z);
        double e = fabs(got - exact) / exact;
        if (e > worst_erfc) { worst_erfc = e; worst_erfc_at = z; }
    }
    double worst_gelu = 0, worst_gelu_at = 0, worst_abs = 0;
    for (float x = -10.0f; x <= 10.0f; x += 0.0000917f) {
        double exact = 0.5 * x * erfc(-(double)x / sqrt(2.0));
        double got = 0.5f * x * sb_erfc(-x * 0.7071067811865475f);
        double e = fabs(got - exact) / fmax(fabs(exact), 1e-30);
        if (fabs(exact) > 1e-6 && e > worst_gelu) { worst_gelu = e; worst_gelu_at = x; }
        if (fabs(got - exact) > worst_abs) worst_abs = fabs(got - exact);
    }
    printf("sb_exp  worst %.2f ulp at x = %g (x in [-86, 88])\n", worst_exp, worst_exp_at);
    printf("sb_erfc worst relative %.3g at z = %g (z in [-4, 4])\n", worst_erfc, worst_erfc_at);
    printf("gelu(erf) worst relative %.3g at x = %g where |gelu| > 1e-6; worst absolute %.3g (x in [-10, 10])\n",
           worst_gelu, worst_gelu_at, worst_abs);
    printf("sb_exp(-inf) = %g, sb_exp(100) = %g, sb_exp(nan) = %g, sb_exp(0) = %g\n", sb_exp(-INFINITY), sb_exp(100.0f),
           sb_exp(NAN), sb_exp(0.0f));
    return 0;
}
