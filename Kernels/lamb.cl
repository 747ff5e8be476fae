// lamb.cl — LAMB (NVIDIA's BERT pre-training, Google's ALBERT lamb_optimizer) over many tensors of one buffer in
// three launches, multi-tensor-apply style: the tensors are cut into chunks of at most a fixed size (a table
// built once on the host), one work-group per chunk, no atomics, a fixed summation order.
// requires: reduce.cl
//
//   g = grad · clip,  clip = (max_norm > 0 && √norm_sq > max_norm) ? max_norm / √norm_sq : 1   (norm_sq: global Σ grad²)
//   lamb_moments (one group per chunk k of tensor j):
//       m = β1·m + (1 − β1)·g;  v = β2·v + (1 − β2)·g²
//       u = (m / c1) / (√(v / c2) + ε) + wd_j · p          c1 = 1 − β1ᵗ, c2 = 1 − β2ᵗ (1 and 1 without bias correction)
//       grad ← u (the gradient is dead after the step);   partials[k] = (Σ p², Σ u²) over the chunk
//   lamb_trust_ratio (one item per tensor j): P = Σ_k partials[k].x, U = Σ_k partials[k].y over j's chunks in order;
//       ratio[j] = (adapt_j && √P > 0 && √U > 0) ? √P / √U : 1
//   lamb_apply (one group per chunk): p −= (lr · ratio[j]) · u
//
// Flags of tensor j: bit 0 (SB_LAMB_DECAY) weight decay wd_j = weight_decay, else 0; bit 1 (SB_LAMB_ADAPT) layer
// adaptation (trust ratio), else ratio 1.
// Shapes: param, grad, m, v: [n]; chunks: int [chunks, 3] = (element offset into the four, length, tensor);
// tensors: int [tensors, 3] = (first chunk, chunk count, flags); partials: [chunks, 2]; ratios: [tensors];
// norm_sq: [1]. Elements at or past n are never touched. Every buffer arrives as (pointer, element offset).
// Launch: lamb_moments and lamb_apply: chunks work-groups of SB_ROW_WG items; lamb_trust_ratio: tensors items.
// CPU twin: Sources/Compute/Ops/Optimizer/LAMB+CPU.swift (same chunks; within a chunk it sums sequentially, so partials
// agree to rounding, not bit for bit).
// OpenCL C 1.2; builds as one program together with reduce.cl.

#ifndef SB_ROW_WG
#define SB_ROW_WG 256
#endif

#define SB_LAMB_DECAY 1u
#define SB_LAMB_ADAPT 2u

__kernel __attribute__((reqd_work_group_size(SB_ROW_WG, 1, 1)))
void lamb_moments(const uint n, __global const float* param, const uint param_off, __global float* grad,
                  const uint grad_off, __global float* m, const uint m_off, __global float* v, const uint v_off,
                  __global const int* chunks, const uint chunks_off, __global const int* tensors, const uint tensors_off,
                  __global float* partials, const uint partials_off, __global const float* norm_sq,
                  const uint norm_off, const float max_norm, const float beta1, const float beta2, const float eps,
                  const float weight_decay, const float correction1, const float correction2) {
    __local float scratch[SB_ROW_WG];
    const uint k = get_group_id(0), t = get_local_id(0);
    const uint start = (uint)chunks[chunks_off + 3 * k], end = min(start + (uint)chunks[chunks_off + 3 * k + 1], n);
    const uint flags = (uint)tensors[tensors_off + 3 * (uint)chunks[chunks_off + 3 * k + 2] + 2];
    const float wd = (flags & SB_LAMB_DECAY) ? weight_decay : 0.0f;
    const float norm = sqrt(norm_sq[norm_off]);
    const float clip = (max_norm > 0.0f && norm > max_norm) ? max_norm / norm : 1.0f;
    float pp = 0.0f, uu = 0.0f;
    for (uint i = start + t; i < end; i += SB_ROW_WG) {
        const float g = grad[grad_off + i] * clip;
        const float mi = beta1 * m[m_off + i] + (1.0f - beta1) * g;
        const float vi = beta2 * v[v_off + i] + (1.0f - beta2) * g * g;
        m[m_off + i] = mi;
        v[v_off + i] = vi;
        const float p = param[param_off + i];
        const float u = (mi / correction1) / (sqrt(vi / correction2) + eps) + wd * p;
        grad[grad_off + i] = u;
        pp += p * p;
        uu += u * u;
    }
    // No early return above: every item reaches these barriers.
    const float sum_p = sb_row_sum(pp, scratch);
    const float sum_u = sb_row_sum(uu, scratch);
    if (t == 0) {
        partials[partials_off + 2 * k] = sum_p;
        partials[partials_off + 2 * k + 1] = sum_u;
    }
}

__kernel void lamb_trust_ratio(const uint tensor_count, __global const int* tensors, const uint tensors_off,
                               __global const float* partials, const uint partials_off, __global float* ratios,
                               const uint ratios_off) {
    const uint j = get_global_id(0);
    if (j >= tensor_count) return;
    const uint first = (uint)tensors[tensors_off + 3 * j], count = (uint)tensors[tensors_off + 3 * j + 1];
    const uint flags = (uint)tensors[tensors_off + 3 * j + 2];
    float pp = 0.0f, uu = 0.0f;
    for (uint k = first; k < first + count; ++k) {
        pp += partials[partials_off + 2 * k];
        uu += partials[partials_off + 2 * k + 1];
    }
    const float p_norm = sqrt(pp), u_norm = sqrt(uu);
    ratios[ratios_off + j] = ((flags & SB_LAMB_ADAPT) && p_norm > 0.0f && u_norm > 0.0f) ? p_norm / u_norm : 1.0f;
}

__kernel __attribute__((reqd_work_group_size(SB_ROW_WG, 1, 1)))
void lamb_apply(const uint n, __global float* param, const uint param_off, __global const float* update,
                const uint update_off, __global const int* chunks, const uint chunks_off,
                __global const float* ratios, const uint ratios_off, const float lr) {
    const uint k = get_group_id(0);
    const uint start = (uint)chunks[chunks_off + 3 * k], end = min(start + (uint)chunks[chunks_off + 3 * k + 1], n);
    const float step = lr * ratios[ratios_off + (uint)chunks[chunks_off + 3 * k + 2]];
    for (uint i = start + get_local_id(0); i < end; i += SB_ROW_WG) {
        param[param_off + i] -= step * update[update_off + i];
    }
}
