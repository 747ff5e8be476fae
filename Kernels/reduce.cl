// reduce.cl — deterministic reductions (fixed summation order, no atomics).
//
//   sb_row_sum / sb_row_max: work-group tree reductions of one value per work-item (every item gets the
//                  result); used by the row kernels (LayerNorm, softmax). Work-groups of SB_ROW_WG items.
//   sum_rows_f32:  out[c] (+)= Σ_{r=0..rows-1} x[r, c]           x: [rows, cols], out: [cols]
//                  (bias gradients; accumulate != 0 adds to out, as parameter gradients do)
//
// Every buffer arrives as (pointer, element offset).
// Launch (sum_rows_f32): one work-item per column (adjacent items read adjacent columns, so loads coalesce).
// CPU twin: Sources/Compute/CPU/CPUDevice+Reduction.swift (same order: rows 0, 1, 2, …).
// OpenCL C 1.2; builds standalone.

#ifndef SB_ROW_WG
#define SB_ROW_WG 256
#endif

inline float sb_row_sum(float value, __local float* scratch) {
    const uint t = get_local_id(0);
    scratch[t] = value;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (uint stride = SB_ROW_WG / 2; stride > 0; stride >>= 1) {
        if (t < stride) scratch[t] += scratch[t + stride];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    const float total = scratch[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return total;
}

inline float sb_row_max(float value, __local float* scratch) {
    const uint t = get_local_id(0);
    scratch[t] = value;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (uint stride = SB_ROW_WG / 2; stride > 0; stride >>= 1) {
        if (t < stride) scratch[t] = fmax(scratch[t], scratch[t + stride]);
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    const float result = scratch[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return result;
}

__kernel void sum_rows_f32(const uint rows, const uint cols, __global const float* x, const uint x_off,
                           __global float* out, const uint out_off, const uint accumulate) {
    const uint c = get_global_id(0);
    if (c >= cols) return;
    float sum = 0.0f;
    __global const float* column = x + x_off + c;
    for (uint r = 0; r < rows; ++r) sum += column[(size_t)r * cols];
    out[out_off + c] = accumulate ? out[out_off + c] + sum : sum;
}
