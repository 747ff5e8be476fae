// silu.cl — SiLU (swish) activation, forward and backward: y = x·σ(x), σ(x) = 1/(1 + e^(−x)).
//
//   silu_forward:  y[i] = x[i] · σ(x[i])                             x, y: [n]
//   silu_backward: dx[i] = dy[i] · σ(x[i]) · (1 + x[i]·(1 − σ(x[i])))  x (the forward's input), dy, dx: [n]; dx may
//                  alias dy
//
// The exponent is clamped to [−86.6, 88.72] as the CPU twin's exp is, so σ saturates to 0 or 1 without overflow.
// Every buffer arrives as (pointer, element offset). Launch: one work-item per element.
// CPU twin: the C kernels silu_forward / silu_backward (Sources/CPUKernels/kernels_impl.h), called from
// Sources/Compute/Ops/Activation/Activation+CPU.swift. OpenCL C 1.2; builds standalone.

inline float sb_sigmoid(const float x) { return 1.0f / (1.0f + exp(clamp(-x, -86.6f, 88.72f))); }

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
