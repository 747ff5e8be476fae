// reduce.cl — deterministic reductions (fixed summation order, no atomics).
//
//   sb_row_sum / sb_row_max: work-group tree reductions of one value per work-item (every item gets the
//                  result); used by the row kernels (LayerNorm, softmax). Work-groups of SB_ROW_WG items.
//   sum_rows:  out[c] (+)= Σ_{r=0..rows-1} x[r, c]           x: [rows, cols], out: [cols]
//                  (bias gradients; accumulate != 0 adds to out, as parameter gradients do)
//   sum_of_squares_partial: partial[g] = Σ x[i]² over the items of group g, i = g·SB_ROW_WG + t, stepping by
//                  groups·SB_ROW_WG (a fixed number of groups: the same order every run)
//   sum_of_squares_final:   out[0] (+)= Σ_g partial[g]   (one group; global gradient norm², deterministic)
//
// Every buffer arrives as (pointer, element offset).
// Launch (sum_rows): one work-item per column (adjacent items read adjacent columns, so loads coalesce).
// CPU twin: Sources/Compute/Ops/Reduction/Reduction+CPU.swift (same order: rows 0, 1, 2, …).
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

__kernel void sum_rows(const uint rows, const uint cols, __global const float* x, const uint x_off,
                           __global float* out, const uint out_off, const uint accumulate) {
    const uint c = get_global_id(0);
    if (c >= cols) return;
    float sum = 0.0f;
    __global const float* column = x + x_off + c;
    for (uint r = 0; r < rows; ++r) sum += column[(size_t)r * cols];
    out[out_off + c] = accumulate ? out[out_off + c] + sum : sum;
}

__kernel __attribute__((reqd_work_group_size(SB_ROW_WG, 1, 1)))
void sum_of_squares_partial(const uint n, __global const float* x, const uint x_off, __global float* partial,
                         const uint partial_off) {
    __local float scratch[SB_ROW_WG];
    const uint stride = get_num_groups(0) * SB_ROW_WG;
    float sum = 0.0f;
    for (uint i = get_global_id(0); i < n; i += stride) {
        const float value = x[x_off + i];
        sum += value * value;
    }
    const float total = sb_row_sum(sum, scratch);
    if (get_local_id(0) == 0) partial[partial_off + get_group_id(0)] = total;
}

__kernel __attribute__((reqd_work_group_size(SB_ROW_WG, 1, 1)))
void sum_of_squares_final(const uint groups, __global const float* partial, const uint partial_off,
                       __global float* out, const uint out_off, const uint accumulate) {
    __local float scratch[SB_ROW_WG];
    float sum = 0.0f;
    for (uint g = get_local_id(0); g < groups; g += SB_ROW_WG) sum += partial[partial_off + g];
    const float total = sb_row_sum(sum, scratch);
    if (get_local_id(0) == 0) out[out_off] = accumulate ? out[out_off] + total : total;
}
