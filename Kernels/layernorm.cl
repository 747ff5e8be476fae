// layernorm.cl — fused (dropout +) residual + LayerNorm, forward and backward, one work-group per row.
// requires: philox.cl, reduce.cl
//
//   forward:  v[r, c]   = drop(input[r, c]) + residual[r, c]     (each term optional, see flags)
//             sum       = v                                      (stored when has_sum: backward's input)
//             mean[r]   = Σ_c v / C,  rstd[r] = 1 / √(Σ_c (v − mean)² / C + eps)
//             out[r, c] = (v − mean[r]) · rstd[r] · gamma[c] + beta[c]
//   backward: x̂ = (v − mean) · rstd,  g = dout · gamma
//             dv[r, c]   = rstd · (g − mean_c(g) − x̂ · mean_c(g · x̂))        (overwrites)
//   params:   dgamma[c] += Σ_r dout · x̂,  dbeta[c] += Σ_r dout   (column kernel: rows in order 0, 1, 2, …;
//             deterministic, no atomics)
//
// Shapes: input, residual, sum, out, dout, dv: [rows, cols]; gamma, beta, dgamma, dbeta: [cols];
// mean, rstd: [rows]. Every buffer arrives as (pointer, element offset). Dropout draws element
// r·cols + c of the input tensor from Philox (seed, stream), exactly as dropout.cl does.
// Launch: rows work-groups of SB_ROW_WG items (a power of two) for the row kernels; cols items for
// layernorm_backward_params. CPU twin: Sources/Compute/Ops/LayerNorm/LayerNorm+CPU.swift.
// OpenCL C 1.2; builds as one program together with philox.cl and reduce.cl.

__kernel __attribute__((reqd_work_group_size(SB_ROW_WG, 1, 1)))
void layernorm_forward(const uint rows, const uint cols,
                       __global const float* input, const uint input_off,
                       __global const float* residual, const uint residual_off, const uint has_residual,
                       __global float* sum, const uint sum_off, const uint has_sum,
                       __global const float* gamma, const uint gamma_off,
                       __global const float* beta, const uint beta_off,
                       __global float* out, const uint out_off,
                       __global float* mean_out, const uint mean_off,
                       __global float* rstd_out, const uint rstd_off,
                       const float eps, const float p, const float scale, const ulong seed, const ulong stream) {
    __local float scratch[SB_ROW_WG];
    const uint r = get_group_id(0), t = get_local_id(0);
    // No early return: every item must reach the barriers (the launch has exactly `rows` groups).
    const size_t base = (size_t)r * cols;
    // Pass 1: build v (stored in sum when has_sum) and its mean.
    float partial = 0.0f;
    for (uint c = t; c < cols; c += SB_ROW_WG) {
        float v = input[input_off + base + c];
        if (p > 0.0f) v = sb_uniform(seed, stream, base + c) < p ? 0.0f : v * scale;
        if (has_residual) v += residual[residual_off + base + c];
        if (has_sum) sum[sum_off + base + c] = v;
        partial += v;
    }
    const float mean = sb_row_sum(partial, scratch) / (float)cols;
    // Pass 2: variance around the mean (each item re-reads only what it wrote itself).
    __global const float* src = has_sum ? (__global const float*)(sum + sum_off) : input + input_off;
    partial = 0.0f;
    for (uint c = t; c < cols; c += SB_ROW_WG) {
        const float d = src[base + c] - mean;
        partial += d * d;
    }
    const float rstd = rsqrt(sb_row_sum(partial, scratch) / (float)cols + eps);
    // Pass 3: normalise, scale, shift.
    for (uint c = t; c < cols; c += SB_ROW_WG) {
        out[out_off + base + c] = (src[base + c] - mean) * rstd * gamma[gamma_off + c] + beta[beta_off + c];
    }
    if (t == 0) {
        mean_out[mean_off + r] = mean;
        rstd_out[rstd_off + r] = rstd;
    }
}

__kernel __attribute__((reqd_work_group_size(SB_ROW_WG, 1, 1)))
void layernorm_backward_input(const uint rows, const uint cols,
                              __global const float* dout, const uint dout_off,
                              __global const float* v, const uint v_off,
                              __global const float* mean, const uint mean_off,
                              __global const float* rstd, const uint rstd_off,
                              __global const float* gamma, const uint gamma_off,
                              __global float* dv, const uint dv_off) {
    __local float scratch[SB_ROW_WG];
    const uint r = get_group_id(0), t = get_local_id(0);
    // No early return: every item must reach the barriers (the launch has exactly `rows` groups).
    const size_t base = (size_t)r * cols;
    const float mu = mean[mean_off + r], rs = rstd[rstd_off + r];
    float sum_g = 0.0f, sum_gx = 0.0f;
    for (uint c = t; c < cols; c += SB_ROW_WG) {
        const float g = dout[dout_off + base + c] * gamma[gamma_off + c];
        sum_g += g;
        sum_gx += g * (v[v_off + base + c] - mu) * rs;
    }
    const float mean_g = sb_row_sum(sum_g, scratch) / (float)cols;
    const float mean_gx = sb_row_sum(sum_gx, scratch) / (float)cols;
    for (uint c = t; c < cols; c += SB_ROW_WG) {
        const float g = dout[dout_off + base + c] * gamma[gamma_off + c];
        const float xhat = (v[v_off + base + c] - mu) * rs;
        dv[dv_off + base + c] = rs * (g - mean_g - xhat * mean_gx);
    }
}

__kernel void layernorm_backward_params(const uint rows, const uint cols,
                                    __global const float* dout, const uint dout_off,
                                    __global const float* v, const uint v_off,
                                    __global const float* mean, const uint mean_off,
                                    __global const float* rstd, const uint rstd_off,
                                    __global float* dgamma, const uint dgamma_off,
                                    __global float* dbeta, const uint dbeta_off) {
    const uint c = get_global_id(0);
    if (c >= cols) return;
    float sg = 0.0f, sb = 0.0f;
    for (uint r = 0; r < rows; ++r) {
        const size_t i = (size_t)r * cols + c;
        const float d = dout[dout_off + i];
        sg += d * (v[v_off + i] - mean[mean_off + r]) * rstd[rstd_off + r];
        sb += d;
    }
    dgamma[dgamma_off + c] += sg;
    dbeta[dbeta_off + c] += sb;
}
