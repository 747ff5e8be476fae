// Vector-friendly float math for kernels_impl.h: branch-free, no library calls, so the compiler vectorises the
// loops that use it. Included once per instruction set's translation unit.
//
// Error bounds (measured against double precision by Tools/reference/cpu_math_check.c):
//   sb_exp:  ≤ 1 ulp (0.97) for x in [−86, 88]; 0 below −86.6, +∞ above 88.72, NaN for NaN (no denormal results).
//   sb_erfc: relative error ≤ 1.5e-6 for |z| ≤ 4 (Numerical Recipes' erfcc fit, fractional error 1.2e-7, through
//            sb_exp); the erf GELU built on it: relative ≤ 2.2e-6 where |gelu| > 1e-6, absolute ≤ 4e-7.
#ifndef SB_MATH_H
#define SB_MATH_H

#include <stdint.h>
#include <string.h>

// No fused multiply-adds: every instruction set rounds each operation the same way.
#pragma STDC FP_CONTRACT OFF

static inline float sb_bits_to_float(uint32_t bits) {
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

/// e^x: Cody–Waite reduction x = n·ln2 + r (|r| ≤ ln2/2) and Cephes' degree-6 polynomial for e^r, scaled by 2^n.
static inline float sb_exp(float x) {
    const float lo = -86.6f, hi = 88.72f;
    float xc = x < lo ? lo : (x > hi ? hi : x);
    // Round x·log2(e) to the nearest integer with the 1.5·2^23 trick (exact in round-to-nearest, no SSE4.1 needed).
    float n = (xc * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
    float r = xc - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * (r * r) + r + 1.0f;
    // 2^n as 2^(n−1)·2 so that n = 128 (x near the top of the range) stays finite until the last multiply.
    int32_t ni = (int32_t)n;
    float scale = sb_bits_to_float((uint32_t)(ni + 126) << 23);
    float y = p * scale * 2.0f;
    y = x < lo ? 0.0f : y;
    y = x > hi ? __builtin_inff() : y;
    return x != x ? x : y;
}

/// erfc(z) = t·exp(−z² + P(t)), t = 1/(1 + |z|/2) (Press et al., Numerical Recipes §6.2), erfc(−z) = 2 − erfc(z).
static inline float sb_erfc(float z) {
    float a = z < 0 ? -z : z;
    float t = 1.0f / (1.0f + 0.5f * a);
    float p = 0.17087277f;
    p = p * t - 0.82215223f;
    p = p * t + 1.48851587f;
    p = p * t - 1.13520398f;
    p = p * t + 0.27886807f;
    p = p * t - 0.18628806f;
    p = p * t + 0.09678418f;
    p = p * t + 0.37409196f;
    p = p * t + 1.00002368f;
    p = p * t - 1.26551223f;
    float r = t * sb_exp(-a * a + p);
    return z < 0 ? 2.0f - r : r;
}

#endif
