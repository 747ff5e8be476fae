// adamw.cl — one fused optimizer update over a flat range of the parameter arena (parameters, gradients and
// both moments share one layout), with global-norm clipping folded in.
//
//   g      = grad[i] · clip,   clip = (max_norm > 0 && √norm_sq > max_norm) ? max_norm / √norm_sq : 1
//            (norm_sq: the global Σ grad², computed on the device by sum_squares in reduce.cl)
//   Google AdamWeightDecay (bias_correction = 0):
//            m = β1·m + (1 − β1)·g;  v = β2·v + (1 − β2)·g²;  p −= lr · (m / (√v + ε) + wd · p)
//   PyTorch AdamW (bias_correction = 1), step t ≥ 1:
//            p −= lr·wd·p;  m, v as above;  p −= (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)
//
// Shapes: param, grad, m, v: [n]. Every buffer arrives as (pointer, element offset); norm_sq is one float.
// Weight decay is per launch: the arena keeps decayed and non-decayed tensors in separate ranges.
// Launch: one work-item per element. CPU twin: Sources/Compute/Ops/Optimizer/AdamW+CPU.swift.
// OpenCL C 1.2; builds standalone.

__kernel void adamw(const uint n, __global float* param, const uint param_off,
                           __global const float* grad, const uint grad_off,
                           __global float* m, const uint m_off, __global float* v, const uint v_off,
                           __global const float* norm_sq, const uint norm_off, const float max_norm,
                           const float lr, const float beta1, const float beta2, const float eps,
                           const float weight_decay, const uint bias_correction,
                           const float correction1, const float correction2) {
    const uint i = get_global_id(0);
    if (i >= n) return;
    const float norm = sqrt(norm_sq[norm_off]);
    const float clip = (max_norm > 0.0f && norm > max_norm) ? max_norm / norm : 1.0f;
    const float g = grad[grad_off + i] * clip;
    const float mi = beta1 * m[m_off + i] + (1.0f - beta1) * g;
    const float vi = beta2 * v[v_off + i] + (1.0f - beta2) * g * g;
    m[m_off + i] = mi;
    v[v_off + i] = vi;
    float p = param[param_off + i];
    if (bias_correction) {
        p -= lr * weight_decay * p;
        p -= (lr / correction1) * mi / (sqrt(vi) / sqrt(correction2) + eps);
    } else {
        p -= lr * (mi / (sqrt(vi) + eps) + weight_decay * p);
    }
    param[param_off + i] = p;
}
