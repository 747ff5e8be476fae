// convert.cl — half-precision storage conversion (float16 is a storage type; no half arithmetic).
//
//   convert_f32_to_f16: y[i] = half(x[i]), rounded to nearest even (vstore_half_rte): overflow → ±inf,
//                       NaN stays NaN, results below the smallest half subnormal round to ±0
//                                                               x: float [n], y: half [n]
//   convert_f16_to_f32: y[i] = float(x[i]), exact (vload_half)  x: half [n],  y: float [n]
//   copy_u16:           y[i] = x[i] for 2-byte elements (float16 → float16 copy, bits unchanged)
//                                                               x, y: [n] of 16-bit values
//
// Every buffer arrives as (pointer, element offset); a half buffer's offset counts 2-byte elements.
// `__global half*` with vload_half / vstore_half_rte is core OpenCL C 1.2: no half-arithmetic extension needed.
// Launch: one work-item per element, any work-group size.
// CPU twin: Sources/Compute/Ops/Convert/Convert+CPU.swift (HalfFloat.swift, bit-identical). OpenCL C 1.2;
// builds standalone.

__kernel void convert_f32_to_f16(const uint n, __global const float* x, const uint x_off, __global half* y,
                                 const uint y_off) {
    const uint i = get_global_id(0);
    if (i < n) vstore_half_rte(x[x_off + i], (size_t)y_off + i, y);
}

__kernel void convert_f16_to_f32(const uint n, __global const half* x, const uint x_off, __global float* y,
                                 const uint y_off) {
    const uint i = get_global_id(0);
    if (i < n) y[y_off + i] = vload_half((size_t)x_off + i, x);
}

__kernel void copy_u16(const uint n, __global const ushort* x, const uint x_off, __global ushort* y,
                       const uint y_off) {
    const uint i = get_global_id(0);
    if (i < n) y[y_off + i] = x[x_off + i];
}
