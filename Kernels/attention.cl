// attention.cl — head layout changes and the online-softmax ("flash") attention forward.
// requires: philox.cl
//
//   split_heads:  out[b, h, s, e] = x[(b·S + s)·row_stride + h·D + e]          out: [B, heads, S, D]
//                 (x: rows of a [B·S, row_stride] matrix, e.g. one of Q/K/V inside the fused [B·S, 3H])
//   merge_heads:  out[(b·S + s)·row_stride + h·D + e] = x[b, h, s, e]          x: [B, heads, S, D]
//   flash_attention_forward: for query row g = (b·heads + h)·q_len + i,
//                 out[(b·q_len + i)·out_stride + h·D + e] = Σ_j w_j · V[b, h, j, e] / Σ_j e_j  with
//                 e_j = exp(scale·⟨Q[b,h,i,:], K[b,h,j,:]⟩ − m) over valid keys j (mask[b, j] != 0) and
//                 w_j = e_j · keep(g·k_len + j) / (1 − p) — the softmax + dropout of softmax.cl, with the same
//                 Philox draws, computed by streaming K/V tiles with a running max and sum: the
//                 [q_len, k_len] score matrix is never stored. A row with no valid key is zeros.
//
// Every buffer arrives as (pointer, element offset).
// Launch: split/merge: B·heads·S·D items. flash: work-groups of SB_FLASH_WG query rows of one (b, h);
//   global = B·heads·⌈q_len / SB_FLASH_WG⌉·SB_FLASH_WG. K/V tiles of SB_FLASH_TILE keys in local memory.
// CPU twin: Sources/Compute/Ops/Attention/Attention+CPU.swift. OpenCL C 1.2; builds with philox.cl.

#ifndef SB_HEAD_DIM
#define SB_HEAD_DIM 64
#endif
#ifndef SB_FLASH_WG
#define SB_FLASH_WG 64
#endif
#ifndef SB_FLASH_TILE
#define SB_FLASH_TILE 32
#endif

__kernel void split_heads(const uint batch, const uint seq, const uint heads, const uint head_dim,
                          __global const float* x, const uint x_off, const uint row_stride,
                          __global float* out, const uint out_off) {
    const uint n = get_global_id(0);
    if (n >= batch * heads * seq * head_dim) return;
    // Quotient and remainder as q = a / b, r = a − q·b: a `%` next to its `/` becomes an LLVM `freeze`, which
    // Oclgrind 21.10's uninitialised-value check cannot run (docs/kernels.md).
    const uint n1 = n / head_dim, e = n - n1 * head_dim;
    const uint n2 = n1 / seq, s = n1 - n2 * seq;
    const uint b = n2 / heads, h = n2 - b * heads;
    out[out_off + n] = x[x_off + (size_t)(b * seq + s) * row_stride + h * head_dim + e];
}

__kernel void merge_heads(const uint batch, const uint seq, const uint heads, const uint head_dim,
                          __global const float* x, const uint x_off,
                          __global float* out, const uint out_off, const uint row_stride) {
    const uint n = get_global_id(0);
    if (n >= batch * heads * seq * head_dim) return;
    // Quotient and remainder as q = a / b, r = a − q·b: a `%` next to its `/` becomes an LLVM `freeze`, which
    // Oclgrind 21.10's uninitialised-value check cannot run (docs/kernels.md).
    const uint n1 = n / head_dim, e = n - n1 * head_dim;
    const uint n2 = n1 / seq, s = n1 - n2 * seq;
    const uint b = n2 / heads, h = n2 - b * heads;
    out[out_off + (size_t)(b * seq + s) * row_stride + h * head_dim + e] = x[x_off + n];
}

__kernel __attribute__((reqd_work_group_size(SB_FLASH_WG, 1, 1)))
void flash_attention_forward(const uint heads, const uint q_len, const uint k_len,
                             __global const float* q, const uint q_off,
                             __global const float* k, const uint k_off,
                             __global const float* v, const uint v_off,
                             __global const int* mask, const uint mask_off, const uint has_mask,
                             __global float* out, const uint out_off, const uint out_stride,
                             const float scale, const float p, const float drop_scale,
                             const ulong seed, const ulong stream) {
    __local float k_tile[SB_FLASH_TILE * SB_HEAD_DIM];
    __local float v_tile[SB_FLASH_TILE * SB_HEAD_DIM];
    __local int valid_tile[SB_FLASH_TILE];
    const uint blocks_per_head = (q_len + SB_FLASH_WG - 1) / SB_FLASH_WG;
    const uint bh = get_group_id(0) / blocks_per_head;          // b·heads + h
    const uint i = (get_group_id(0) - bh * blocks_per_head) * SB_FLASH_WG + get_local_id(0);
    const uint b = bh / heads, h = bh - b * heads;               // (no `%`: see split_heads)
    const bool active = i < q_len;
    const size_t g = (size_t)bh * q_len + i;                    // score row index

    float qi[SB_HEAD_DIM], acc[SB_HEAD_DIM];
    for (uint e = 0; e < SB_HEAD_DIM; ++e) {
        qi[e] = active ? q[q_off + g * SB_HEAD_DIM + e] : 0.0f;
        acc[e] = 0.0f;
    }
    float m = -INFINITY, l = 0.0f;
    for (uint start = 0; start < k_len; start += SB_FLASH_TILE) {
        const uint count = min((uint)SB_FLASH_TILE, k_len - start);
        // Cooperative load of the K/V tile and its mask.
        for (uint n = get_local_id(0); n < SB_FLASH_TILE * SB_HEAD_DIM; n += SB_FLASH_WG) {
            const uint j = n / SB_HEAD_DIM;
            const size_t src = ((size_t)bh * k_len + start + j) * SB_HEAD_DIM + n % SB_HEAD_DIM;
            k_tile[n] = j < count ? k[k_off + src] : 0.0f;
            v_tile[n] = j < count ? v[v_off + src] : 0.0f;
        }
        for (uint j = get_local_id(0); j < SB_FLASH_TILE; j += SB_FLASH_WG) {
            valid_tile[j] = j < count && (!has_mask || mask[mask_off + (size_t)b * k_len + start + j] != 0);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        if (active) {
            for (uint j = 0; j < count; ++j) {
                if (!valid_tile[j]) continue;
                float s = 0.0f;
                for (uint e = 0; e < SB_HEAD_DIM; ++e) s += qi[e] * k_tile[j * SB_HEAD_DIM + e];
                s *= scale;
                const float m_new = fmax(m, s);
                const float correction = exp(m - m_new);
                const float weight = exp(s - m_new);
                l = l * correction + weight;
                float w = weight;
                if (p > 0.0f) w = sb_uniform(seed, stream, g * k_len + start + j) < p ? 0.0f : weight * drop_scale;
                for (uint e = 0; e < SB_HEAD_DIM; ++e) acc[e] = acc[e] * correction + w * v_tile[j * SB_HEAD_DIM + e];
                m = m_new;
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (active) {
        const float inverse = l > 0.0f ? 1.0f / l : 0.0f;
        __global float* dst = out + out_off + (size_t)(b * q_len + i) * out_stride + h * SB_HEAD_DIM;
        for (uint e = 0; e < SB_HEAD_DIM; ++e) dst[e] = acc[e] * inverse;
    }
}
