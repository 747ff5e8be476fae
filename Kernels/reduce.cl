// reduce.cl — deterministic reductions (fixed summation order, no atomics).
//
//   sum_rows_f32:  out[c] (+)= Σ_{r=0..rows-1} x[r, c]           x: [rows, cols], out: [cols]
//                  (bias gradients; accumulate != 0 adds to out, as parameter gradients do)
//
// Every buffer arrives as (pointer, element offset).
// Launch: one work-item per column (adjacent items read adjacent columns, so loads coalesce).
// CPU twin: Sources/Compute/CPU/CPUDevice+Reduction.swift (same order: rows 0, 1, 2, …).
// OpenCL C 1.2; builds standalone.

__kernel void sum_rows_f32(const uint rows, const uint cols, __global const float* x, const uint x_off,
                           __global float* out, const uint out_off, const uint accumulate) {
    const uint c = get_global_id(0);
    if (c >= cols) return;
    float sum = 0.0f;
    __global const float* column = x + x_off + c;
    for (uint r = 0; r < rows; ++r) sum += column[(size_t)r * cols];
    out[out_off + c] = accumulate ? out[out_off + c] + sum : sum;
}
