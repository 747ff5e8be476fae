// softmax.cl — attention's fused scale + key mask + softmax + dropout, forward and backward; one work-group
// per row of scores.
// requires: philox.cl, reduce.cl
//
//   forward:  for row g = (b·heads + h)·q_len + i and key j < k_len, with valid(j) = !has_mask || mask[b, j] != 0:
//             P[g, j]  = valid(j) ? exp(scale·S[g, j] − m) / Σ_valid exp(scale·S[g, ·] − m) : 0
//                        (m = max over valid keys; a row with no valid key is all zeros, never NaN)
//             D[g, j]  = keep(g·k_len + j) ? P[g, j] / (1 − p) : 0      (written when has_dropped)
//   backward: dP[g, j] = keep ? dD[g, j] / (1 − p) : 0   (dD = dP when there is no dropout)
//             dS[g, j] = scale · P[g, j] · (dP[g, j] − Σ_k dP[g, k] · P[g, k])      (dS may alias dD)
//   keep(n)  = sb_uniform(seed, stream, n) ≥ p — the same Philox draw as dropout.cl and the flash kernel.
//
// Shapes: S, P, D, dD, dS: [B, heads, q_len, k_len]; mask: int [B, k_len] (1 = attend, 0 = padding).
// Every buffer arrives as (pointer, element offset).
// Launch: B·heads·q_len work-groups of SB_ROW_WG items. CPU twin: Sources/Compute/Ops/Attention/AttentionSoftmax+CPU.swift.
// OpenCL C 1.2; builds as one program together with philox.cl and reduce.cl.

__kernel __attribute__((reqd_work_group_size(SB_ROW_WG, 1, 1)))
void attention_softmax_forward(const uint rows, const uint heads, const uint q_len, const uint k_len,
                               __global const float* scores, const uint scores_off,
                               __global const int* mask, const uint mask_off, const uint has_mask,
                               __global float* probs, const uint probs_off,
                               __global float* dropped, const uint dropped_off, const uint has_dropped,
                               const float scale, const float p, const float drop_scale,
                               const ulong seed, const ulong stream) {
    __local float scratch[SB_ROW_WG];
    const uint g = get_group_id(0), t = get_local_id(0);
    // No early return: every item must reach the barriers (the launch has exactly `rows` groups).
    const size_t base = (size_t)g * k_len;
    const uint b = g / (heads * q_len);
    __global const int* row_mask = mask + mask_off + (size_t)b * k_len;
    float m = -INFINITY;
    for (uint j = t; j < k_len; j += SB_ROW_WG) {
        if (!has_mask || row_mask[j] != 0) m = fmax(m, scale * scores[scores_off + base + j]);
    }
    m = sb_row_max(m, scratch);
    float partial = 0.0f;
    for (uint j = t; j < k_len; j += SB_ROW_WG) {
        if (!has_mask || row_mask[j] != 0) partial += exp(scale * scores[scores_off + base + j] - m);
    }
    const float total = sb_row_sum(partial, scratch);
    const float inverse = total > 0.0f ? 1.0f / total : 0.0f;
    for (uint j = t; j < k_len; j += SB_ROW_WG) {
        const bool valid = !has_mask || row_mask[j] != 0;
        const float pj = valid && total > 0.0f ? exp(scale * scores[scores_off + base + j] - m) * inverse : 0.0f;
        probs[probs_off + base + j] = pj;
        if (has_dropped) {
            dropped[dropped_off + base + j] = sb_uniform(seed, stream, base + j) < p ? 0.0f : pj * drop_scale;
        }
    }
}

// dP = dropout'(dD): the forward's mask and scale applied to the incoming gradient.
inline float sb_undrop(float grad, float p, float drop_scale, ulong seed, ulong stream, size_t n) {
    return p > 0.0f ? (sb_uniform(seed, stream, n) < p ? 0.0f : grad * drop_scale) : grad;
}

__kernel __attribute__((reqd_work_group_size(SB_ROW_WG, 1, 1)))
void attention_softmax_backward(const uint rows, const uint k_len,
                                __global const float* grad_dropped, const uint grad_dropped_off,
                                __global const float* probs, const uint probs_off,
                                __global float* grad_scores, const uint grad_scores_off,
                                const float scale, const float p, const float drop_scale,
                                const ulong seed, const ulong stream) {
    __local float scratch[SB_ROW_WG];
    const uint g = get_group_id(0), t = get_local_id(0);
    // No early return: every item must reach the barriers (the launch has exactly `rows` groups).
    const size_t base = (size_t)g * k_len;
    float partial = 0.0f;
    for (uint j = t; j < k_len; j += SB_ROW_WG) {
        const float dp = sb_undrop(grad_dropped[grad_dropped_off + base + j], p, drop_scale, seed, stream, base + j);
        partial += dp * probs[probs_off + base + j];
    }
    const float dot = sb_row_sum(partial, scratch);
    for (uint j = t; j < k_len; j += SB_ROW_WG) {
        const float dp = sb_undrop(grad_dropped[grad_dropped_off + base + j], p, drop_scale, seed, stream, base + j);
        grad_scores[grad_scores_off + base + j] = scale * probs[probs_off + base + j] * (dp - dot);
    }
}
