// tanh.cl — tanh activation (BERT's pooler), forward and backward.
//
//   tanh_forward:  y[i] = tanh(x[i])                      x, y: [n]
//   tanh_backward: dx[i] = dy[i] · (1 − y[i]²)            y (the forward's output), dy, dx: [n]; overwrites dx
//
// Every buffer arrives as (pointer, element offset). Launch: one work-item per element.
// CPU twin: Sources/Compute/Ops/Activation/Activation+CPU.swift. OpenCL C 1.2; builds standalone.

__kernel void tanh_forward(const uint n, __global const float* x, const uint x_off, __global float* y, const uint y_off) {
    const uint i = get_global_id(0);
    if (i < n) y[y_off + i] = tanh(x[x_off + i]);
}

__kernel void tanh_backward(const uint n, __global const float* y, const uint y_off, __global const float* dy,
                            const uint dy_off, __global float* dx, const uint dx_off) {
    const uint i = get_global_id(0);
    if (i < n) {
        const float t = y[y_off + i];
        dx[dx_off + i] = dy[dy_off + i] * (1.0f - t * t);
    }
}
