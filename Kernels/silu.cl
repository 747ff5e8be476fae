// silu.cl — SiLU (swish) activation, forward and backward: y = x·σ(x), σ(x) = 1/(1 + e^(−x)).
//
//   silu_forward:  y[i] = x[i] · σ(x[i])                             x, y: [n]
//   silu_backward: dx[i] = dy[i] · σ(x[i]) · (1 + x[i]·(1 − σ(x[i])))  x (the forward's input), dy, dx: [n]; dx may
//                  alias dy
//
// σ is exactly 0 below x = −86 (x·σ(x) is then below 1e−35 in magnitude), as the C twin's `sb_sigmoid` defines it,
// and exactly 1 once e^(−x) rounds away: saturated inputs give 0 or x, never a NaN.
// Every buffer arrives as (pointer, element offset). Launch: one work-item per element.
// CPU twin: the C kernels silu_forward / silu_backward (Sources/CPUKernels/kernels_impl.h), called from
// Sources/Compute/Ops/Activation/Activation+CPU.swift. OpenCL C 1.2; builds standalone.

inline float sb_sigmoid(const float x) { return x < -86.0f ? 0.0f : 1.0f / (1.0f + exp(-x)); }

__kernel void silu_forward(const uint n, __global const float* x, const uint x_off, __global float* y, const uint y_off) {
    const uint i = get_global_id(0);
    if (i < n) {
        const float v = x[x_off + i];
        y[y_off + i] = v * sb_sigmoid(v);
    }
}

__kernel void silu_backward(const uint n, __global const float* x, const uint x_off, __global const float* dy,
                            const uint dy_off, __global float* dx, const uint dx_off) {
    const uint i = get_global_id(0);
    if (i < n) {
        const float v = x[x_off + i], s = sb_sigmoid(v);
        dx[dx_off + i] = dy[dy_off + i] * (s * (1.0f + v * (1.0f - s)));
    }
}
