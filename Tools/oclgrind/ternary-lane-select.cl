// ternary-lane-select.cl — a minimal reproduction of an Oclgrind 21.10 (Debian's) execution bug, kept so the
// workaround in Kernels/philox.cl can be re-checked on a newer Oclgrind.
//
//   out[i] = word (i & 3) of in[i >> 2], chosen by a chain of ternaries   (out: [16] uint, in: [4] uint4)
//   out_halves[i] = the same word chosen by two halving selects (philox.cl's form)
//
// With in = 100, 101, …, 115 every implementation must give out = 100, 101, …, 115. Oclgrind 21.10 gives
// 100 101 102 103 107 107 106 107 111 111 110 111 115 115 114 115 for the chain (lanes 0 and 1 of every block
// after the first read lane 3), and the right answer for the halving form. Run:
//   cd Tools/oclgrind && oclgrind-kernel ternary-lane-select.sim
// OpenCL C 1.2; builds standalone.

__kernel void ternary_lane_select(__global uint* out, __global uint* out_halves, __global const uint4* in) {
    const uint i = get_global_id(0);
    const uint4 r = in[i >> 2];
    const uint lane = i & 3;
    out[i] = lane == 0 ? r.x : lane == 1 ? r.y : lane == 2 ? r.z : r.w;
    const uint2 pair = (lane & 2u) ? r.zw : r.xy;
    out_halves[i] = (lane & 1u) ? pair.y : pair.x;
}
