// philox.cl — Philox4x32-10 counter-based random numbers (Salmon et al., SC'11). Every kernel that draws
// dropout masks uses these functions, and the CPU backend implements the same contract, so both devices
// draw identical masks for the same (seed, stream, element index).
//
//   sb_philox4x32_10(counter, key)  → uint4: ten rounds, multipliers 0xD2511F53 / 0xCD9E8D57,
//                                     Weyl key increments 0x9E3779B9 / 0xBB67AE85.
//   sb_uniform(seed, stream, index) → float in [0, 1): word (index & 3) of
//        Philox(counter = (index >> 2 [low 32 bits], index >> 34, stream [low], stream [high]),
//               key = (seed [low], seed [high])), keeping its top 24 bits: (word >> 8) · 2⁻²⁴.
//   philox_uniform: out[i] = sb_uniform(seed, stream, i)          out: [n]  (tests and the profiler)
//
// Launch: one work-item per element. CPU twin: Sources/Compute/Ops/Dropout/Philox.swift.
// OpenCL C 1.2 (mul_hi on uint); builds standalone.

#ifndef SB_PHILOX_ROUNDS
#define SB_PHILOX_ROUNDS 10
#endif

inline uint4 sb_philox_round(uint4 c, uint2 k) {
    const uint hi0 = mul_hi(0xD2511F53u, c.x), lo0 = 0xD2511F53u * c.x;
    const uint hi1 = mul_hi(0xCD9E8D57u, c.z), lo1 = 0xCD9E8D57u * c.z;
    return (uint4)(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
}

inline uint4 sb_philox4x32_10(uint4 counter, uint2 key) {
    counter = sb_philox_round(counter, key);
    for (int r = 1; r < SB_PHILOX_ROUNDS; ++r) {
        key += (uint2)(0x9E3779B9u, 0xBB67AE85u);
        counter = sb_philox_round(counter, key);
    }
    return counter;
}

inline float sb_uniform(ulong seed, ulong stream, ulong index) {
    const uint4 counter = (uint4)((uint)(index >> 2), (uint)(index >> 34), (uint)stream, (uint)(stream >> 32));
    const uint4 r = sb_philox4x32_10(counter, (uint2)((uint)seed, (uint)(seed >> 32)));
    // Word (index & 3) as two halving selects. The equivalent chain `lane == 0 ? r.x : lane == 1 ? r.y : …` is
    // executed wrongly by Oclgrind 21.10 (lanes 0 and 1 of every block after the first read r.w; reproduced by
    // Tools/oclgrind/ternary-lane-select.cl), and this form selects the same word on every implementation.
    const uint lane = (uint)(index & 3);
    const uint2 pair = (lane & 2u) ? r.zw : r.xy;
    const uint word = (lane & 1u) ? pair.y : pair.x;
    return (float)(word >> 8) * (1.0f / 16777216.0f);
}

__kernel void philox_uniform(const uint n, __global float* out, const uint out_off, const ulong seed,
                                 const ulong stream) {
    const uint i = get_global_id(0);
    if (i < n) out[out_off + i] = sb_uniform(seed, stream, i);
}
