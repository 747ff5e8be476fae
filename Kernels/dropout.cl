// dropout.cl — inverted dropout with masks from Philox (no mask is ever stored: backward redraws it).
// requires: philox.cl
//
//   dropout: y[i] = (sb_uniform(seed, stream, i) < p) ? 0 : x[i] · scale,  scale = 1 / (1 − p)
//                x, y: [n]. The same kernel is the backward pass (dx from dy with the same seed/stream).
//
// Every buffer arrives as (pointer, element offset); y may alias x.
// Launch: one work-item per element. CPU twin: Sources/Compute/Ops/Dropout/Dropout+CPU.swift.
// OpenCL C 1.2; builds as one program together with philox.cl.

__kernel void dropout(const uint n, __global const float* x, const uint x_off, __global float* y,
                          const uint y_off, const float p, const float scale, const ulong seed, const ulong stream) {
    const uint i = get_global_id(0);
    if (i < n) y[y_off + i] = sb_uniform(seed, stream, i) < p ? 0.0f : x[x_off + i] * scale;
}
