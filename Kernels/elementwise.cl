// elementwise.cl — element-wise float ops a transformer layer needs.
//
//   fill:      x[i] = value                                  x: [n]
//   copy:      y[i] = x[i]                                   x, y: [n]
//   add:       out[i] = a[i] + b[i]   (residual)             a, b, out: [n]
//   multiply:       out[i] = a[i] * b[i]                          a, b, out: [n]
//   axpby:     y[i] = alpha·x[i] + beta·y[i]; beta == 0 ignores old y (even NaN), as BLAS does
//   add_bias:  out[r, c] = x[r, c] + bias[c]                 x, out: [rows, cols], bias: [cols]
//   copy_rows: out[r·out_stride + c] = x[r·x_stride + c]      rows × cols of two strided matrices
//                  (e.g. the [CLS] rows of [B, S, H]: x_stride = S·H, out_stride = H)
//
// Every buffer arrives as (pointer, element offset). Outputs may alias inputs.
// Launch: one work-item per element (add_bias, copy_rows: rows·cols items), any work-group size.
// CPU twin: Sources/Compute/Ops/Elementwise/Elementwise+CPU.swift. OpenCL C 1.2; builds standalone.

__kernel void fill(const uint n, __global float* x, const uint x_off, const float value) {
    const uint i = get_global_id(0);
    if (i < n) x[x_off + i] = value;
}

__kernel void copy(const uint n, __global const float* x, const uint x_off, __global float* y, const uint y_off) {
    const uint i = get_global_id(0);
    if (i < n) y[y_off + i] = x[x_off + i];
}

__kernel void add(const uint n, __global const float* a, const uint a_off, __global const float* b,
                      const uint b_off, __global float* out, const uint out_off) {
    const uint i = get_global_id(0);
    if (i < n) out[out_off + i] = a[a_off + i] + b[b_off + i];
}

__kernel void multiply(const uint n, __global const float* a, const uint a_off, __global const float* b,
                      const uint b_off, __global float* out, const uint out_off) {
    const uint i = get_global_id(0);
    if (i < n) out[out_off + i] = a[a_off + i] * b[b_off + i];
}

__kernel void axpby(const uint n, const float alpha, __global const float* x, const uint x_off,
                        const float beta, __global float* y, const uint y_off) {
    const uint i = get_global_id(0);
    if (i < n) {
        const float ax = alpha * x[x_off + i];
        y[y_off + i] = beta == 0.0f ? ax : ax + beta * y[y_off + i];
    }
}

__kernel void add_bias(const uint rows, const uint cols, __global const float* x, const uint x_off,
                           __global const float* bias, const uint bias_off, __global float* out, const uint out_off) {
    const uint i = get_global_id(0);
    if (i < rows * cols) out[out_off + i] = x[x_off + i] + bias[bias_off + i % cols];
}

__kernel void copy_rows(const uint rows, const uint cols, __global const float* x, const uint x_off,
                            const uint x_stride, __global float* out, const uint out_off, const uint out_stride) {
    const uint i = get_global_id(0);
    if (i >= rows * cols) return;
    // Quotient and remainder as q = a / b, r = a − q·b: a `%` next to its `/` becomes an LLVM `freeze`, which
    // Oclgrind 21.10's uninitialised-value check cannot run (docs/kernels.md).
    const uint r = i / cols, c = i - r * cols;
    out[out_off + (size_t)r * out_stride + c] = x[x_off + (size_t)r * x_stride + c];
}
