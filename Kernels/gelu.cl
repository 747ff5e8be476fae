// gelu.cl — GELU activation, forward and backward, in the two forms BERT checkpoints use.
//
//   erf form  (HF "gelu"):                  gelu(x) = 0.5·x·(1 + erf(x/√2))
//   tanh form (Google "gelu", HF "gelu_new"): gelu(x) = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
//   backward (both):                        dx = dy · gelu'(x)   (overwrites dx)
//   bias_gelu_forward_*: x[r, c] += bias[c] (x becomes the pre-activation, kept for backward),
//                        y[r, c] = gelu(x[r, c])      x, y: [rows, cols], bias: [cols]   (the FFN's fusion)
//
// Shapes: x, y, dy, dx are flat [n]. Every buffer arrives as (pointer, element offset).
// Launch: one work-item per element, any work-group size.
// CPU twin: the C kernels gelu_forward, gelu_backward, bias_gelu_forward (Sources/CPUKernels/kernels_impl.h: the same
// formulas and constants), called from Sources/Compute/Ops/Activation/Activation+CPU.swift.
// OpenCL C 1.2, float arithmetic only; builds standalone with the defaults below.

#ifndef GELU_CUBIC
#define GELU_CUBIC 0.044715f
#endif

#define GELU_SQRT_2_OVER_PI  0.7978845608028654f   /* √(2/π) */
#define GELU_INV_SQRT_2      0.7071067811865476f   /* 1/√2 */
#define GELU_INV_SQRT_2PI    0.3989422804014327f   /* 1/√(2π) */

// Written for accuracy where the textbook forms cancel (large negative x, where 1 + erf(·) and 1 + tanh(·)
// lose every digit): 1 + erf(z) = erfc(−z), and 0.5·(1 + tanh(u)) = s = 1/(1 + exp(−2u)) with
// 0.5·(1 − tanh²(u)) = 2·s·(1 − s). exp overflowing to +inf gives s = 0, never NaN.

inline float gelu_erf(float x) { return 0.5f * x * erfc(-x * GELU_INV_SQRT_2); }

inline float gelu_erf_grad(float x) {
    return 0.5f * erfc(-x * GELU_INV_SQRT_2) + x * GELU_INV_SQRT_2PI * exp(-0.5f * x * x);
}

inline float gelu_tanh_gate(float x) {   // s = 0.5·(1 + tanh(√(2/π)·(x + c·x³)))
    const float u = GELU_SQRT_2_OVER_PI * (x + GELU_CUBIC * x * x * x);
    return 1.0f / (1.0f + exp(-2.0f * u));
}

inline float gelu_tanh(float x) { return x * gelu_tanh_gate(x); }

inline float gelu_tanh_grad(float x) {
    const float s = gelu_tanh_gate(x);
    const float q = s * (1.0f - s);   // 0 once saturated: skip the x·x³ factor, which overflows for huge |x|
    return q == 0.0f ? s : s + x * 2.0f * q * GELU_SQRT_2_OVER_PI * (1.0f + 3.0f * GELU_CUBIC * x * x);
}

// y[i] = gelu(x[i])
__kernel void gelu_forward_erf(const uint n, __global const float* x, const uint x_off,
                               __global float* y, const uint y_off) {
    const uint i = get_global_id(0);
    if (i < n) y[y_off + i] = gelu_erf(x[x_off + i]);
}

__kernel void gelu_forward_tanh(const uint n, __global const float* x, const uint x_off,
                                __global float* y, const uint y_off) {
    const uint i = get_global_id(0);
    if (i < n) y[y_off + i] = gelu_tanh(x[x_off + i]);
}

// dx[i] = dy[i] · gelu'(x[i])
__kernel void gelu_backward_erf(const uint n, __global const float* x, const uint x_off,
                                __global const float* dy, const uint dy_off,
                                __global float* dx, const uint dx_off) {
    const uint i = get_global_id(0);
    if (i < n) dx[dx_off + i] = dy[dy_off + i] * gelu_erf_grad(x[x_off + i]);
}

__kernel void gelu_backward_tanh(const uint n, __global const float* x, const uint x_off,
                                 __global const float* dy, const uint dy_off,
                                 __global float* dx, const uint dx_off) {
    const uint i = get_global_id(0);
    if (i < n) dx[dx_off + i] = dy[dy_off + i] * gelu_tanh_grad(x[x_off + i]);
}

// x[r, c] += bias[c]; y[r, c] = gelu(x[r, c])
__kernel void bias_gelu_forward_erf(const uint rows, const uint cols, __global float* x, const uint x_off,
                                    __global const float* bias, const uint bias_off, __global float* y, const uint y_off) {
    const uint i = get_global_id(0);
    if (i >= rows * cols) return;
    const float pre = x[x_off + i] + bias[bias_off + i % cols];
    x[x_off + i] = pre;
    y[y_off + i] = gelu_erf(pre);
}

__kernel void bias_gelu_forward_tanh(const uint rows, const uint cols, __global float* x, const uint x_off,
                                     __global const float* bias, const uint bias_off, __global float* y, const uint y_off) {
    const uint i = get_global_id(0);
    if (i >= rows * cols) return;
    const float pre = x[x_off + i] + bias[bias_off + i % cols];
    x[x_off + i] = pre;
    y[y_off + i] = gelu_tanh(pre);
}
