// peak.cl — device probes for the profiler (bert-prof): peak multiply-add throughput and copy bandwidth.
//
//   peak_mad:  every work-item runs SB_PEAK_CHAINS independent chains; chain c holds two floatW values
//              (W = SB_PEAK_WIDTH: 1, 2, 4, 8 or 16) and each step is x ← mad(x, y, b), y ← mad(y, x, b) —
//              a product of two variables, so no compiler can fold or reassociate steps away (a linear chain
//              x ← a·x + b can legally be collapsed under relaxed math). `iterations` × SB_PEAK_UNROLL steps,
//              then out[gid] = Σ over chains and lanes of (x + y), for gid < n. Chain c, lane l starts at
//              x = 0.5 + 0.0001·(gid mod 64) + 0.01·c + 0.001·l, y = a·x; with 0 < b < 1/4 both converge to
//              the fixed point (1 − √(1 − 4b)) / 2, so values stay finite and normal.
//              FLOPs: 4 · W · CHAINS · UNROLL · iterations per work-item (two multiply-adds of 2 FLOPs a step).
//   peak_copy: dst[i] = src[i] for float4 elements i < n4 (bandwidth = 2 · 16 · n4 bytes / time).
//
// Shapes: out: [global size]; src, dst: [n4] float4. Buffers arrive as (pointer, element offset), as in
// every kernel file; peak_copy's offsets count float4 elements.
// Launch: one work-item per output (peak_mad) or per float4 (peak_copy); the driver picks the local size.
// No barriers. CPU twin: none — the CPU backend's probes are Swift SIMD loops
// (Sources/Compute/Diagnostics/PeakProbe+CPU.swift). OpenCL C 1.2; builds standalone with the defaults.

#ifndef SB_PEAK_WIDTH
#define SB_PEAK_WIDTH 4
#endif
#ifndef SB_PEAK_CHAINS
#define SB_PEAK_CHAINS 8
#endif
#ifndef SB_PEAK_UNROLL
#define SB_PEAK_UNROLL 16
#endif

#if SB_PEAK_WIDTH == 1
typedef float sb_vec;
#define SB_LANES(x) (x)
#define SB_START(base) ((sb_vec)(base))
#elif SB_PEAK_WIDTH == 2
typedef float2 sb_vec;
#define SB_LANES(x) ((x).s0 + (x).s1)
#define SB_START(base) ((sb_vec)(base, base + 0.001f))
#elif SB_PEAK_WIDTH == 4
typedef float4 sb_vec;
#define SB_LANES(x) ((x).s0 + (x).s1 + (x).s2 + (x).s3)
#define SB_START(base) ((sb_vec)(base, base + 0.001f, base + 0.002f, base + 0.003f))
#elif SB_PEAK_WIDTH == 8
typedef float8 sb_vec;
#define SB_LANES(x) (SB_SUM4((x).lo) + SB_SUM4((x).hi))
#define SB_START(base) ((sb_vec)(base, base + 0.001f, base + 0.002f, base + 0.003f, \
                                 base + 0.004f, base + 0.005f, base + 0.006f, base + 0.007f))
#elif SB_PEAK_WIDTH == 16
typedef float16 sb_vec;
#define SB_LANES(x) (SB_SUM4((x).lo.lo) + SB_SUM4((x).lo.hi) + SB_SUM4((x).hi.lo) + SB_SUM4((x).hi.hi))
#define SB_START(base) ((sb_vec)(base, base + 0.001f, base + 0.002f, base + 0.003f, \
                                 base + 0.004f, base + 0.005f, base + 0.006f, base + 0.007f, \
                                 base + 0.008f, base + 0.009f, base + 0.010f, base + 0.011f, \
                                 base + 0.012f, base + 0.013f, base + 0.014f, base + 0.015f))
#else
#error "SB_PEAK_WIDTH must be 1, 2, 4, 8 or 16"
#endif
#define SB_SUM4(v) ((v).s0 + (v).s1 + (v).s2 + (v).s3)

__kernel void peak_mad(const uint n, const uint iterations, const float a, const float b, __global float* out,
                       const uint out_off) {
    const uint gid = get_global_id(0);
    const float base = 0.5f + 0.0001f * (float)(gid % 64u);
    const sb_vec va = (sb_vec)(a), vb = (sb_vec)(b);
    sb_vec x[SB_PEAK_CHAINS], y[SB_PEAK_CHAINS];
    for (uint c = 0; c < SB_PEAK_CHAINS; ++c) {
        x[c] = SB_START(base + 0.01f * (float)c);
        y[c] = x[c] * va;
    }
    for (uint i = 0; i < iterations; ++i) {
#pragma unroll
        for (uint u = 0; u < SB_PEAK_UNROLL; ++u) {
#pragma unroll
            for (uint c = 0; c < SB_PEAK_CHAINS; ++c) {
                x[c] = mad(x[c], y[c], vb);
                y[c] = mad(y[c], x[c], vb);
            }
        }
    }
    float total = 0.0f;
    for (uint c = 0; c < SB_PEAK_CHAINS; ++c) total += SB_LANES(x[c] + y[c]);
    if (gid < n) out[out_off + gid] = total;
}

__kernel void peak_copy(const uint n4, __global const float4* src, const uint src_off, __global float4* dst,
                        const uint dst_off) {
    const uint i = get_global_id(0);
    if (i < n4) dst[dst_off + i] = src[src_off + i];
}
