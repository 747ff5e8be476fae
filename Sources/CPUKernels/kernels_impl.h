// The bodies of the CPU kernels (declared in include/sb_cpu_kernels.h), included once per instruction set by
// isa_*.c, which define SB_TABLE (the table's name) and SB_ISA_NAME and set the target features around the include.
// Formulas and constants are those of the OpenCL kernels (Kernels/*.cl) each one twins.
//
// Plain C for the auto-vectoriser: contraction off (a·b + c is never fused, so every instruction set rounds the
// same), reductions through SB_LANES partial sums in a fixed order, no calls in inner loops.
#pragma STDC FP_CONTRACT OFF

#include "sb_cpu_kernels.h"
#include "sb_math.h"

#include <math.h>

#define SB_LANES 16

// Before a loop whose iteration i reads and writes only element i of its arrays: outputs may then alias inputs
// exactly (the ops run in place: dx = dy, out = a) and the loop still vectorises. Without it the compiler guards
// the vector loop with an overlap check and runs in-place calls on its scalar fallback (GELU's backward 16× slower
// in training than in the profiler, which passes distinct buffers). Partial overlap is never allowed.
#if defined(__clang__)
#define SB_ELEMENTWISE _Pragma("clang loop vectorize(assume_safety)")
#elif defined(__GNUC__)
#define SB_ELEMENTWISE _Pragma("GCC ivdep")
#else
#define SB_ELEMENTWISE
#endif

// A square root without errno (sqrtf's errno would keep the loops scalar).
#if __has_builtin(__builtin_elementwise_sqrt)
#define SB_SQRT(x) __builtin_elementwise_sqrt(x)
#else
#define SB_SQRT(x) __builtin_sqrtf(x)
#endif
/// Elements per Philox chunk: 16 blocks of four.
#define SB_CHUNK 64

// ---- Philox4x32-10 (Kernels/philox.cl) ----

/// The 64 uniforms of blocks block … block + 15 (elements 4·block …), w[4·l + j] = word j of block + l.
static inline void sb_philox16(uint64_t block, uint32_t s0, uint32_t s1, uint32_t k0, uint32_t k1, float *w) {
    uint32_t r0[16], r1[16], r2[16], r3[16];
    for (int l = 0; l < 16; l++) {
        uint64_t b = block + (uint64_t)l;
        uint32_t c0 = (uint32_t)b, c1 = (uint32_t)(b >> 32), c2 = s0, c3 = s1;
        uint32_t a0 = k0, a1 = k1;
#pragma clang loop unroll(full)
        for (int round = 0; round < 10; round++) {
            uint64_t p0 = (uint64_t)0xD2511F53u * c0, p1 = (uint64_t)0xCD9E8D57u * c2;
            uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ a0, n1 = (uint32_t)p1;
            uint32_t n2 = (uint32_t)(p0 >> 32) ^ c3 ^ a1, n3 = (uint32_t)p0;
            c0 = n0; c1 = n1; c2 = n2; c3 = n3;
            a0 += 0x9E3779B9u;
            a1 += 0xBB67AE85u;
        }
        r0[l] = c0; r1[l] = c1; r2[l] = c2; r3[l] = c3;
    }
    const float unit = 1.0f / 16777216.0f;
    for (int l = 0; l < 16; l++) {
        w[4 * l + 0] = (float)(int32_t)(r0[l] >> 8) * unit;
        w[4 * l + 1] = (float)(int32_t)(r1[l] >> 8) * unit;
        w[4 * l + 2] = (float)(int32_t)(r2[l] >> 8) * unit;
        w[4 * l + 3] = (float)(int32_t)(r3[l] >> 8) * unit;
    }
}

/// Draws the Philox chunk (16 blocks) that holds element `first` into w and returns the uniforms from `first` on;
/// *count = how many of them lie in the chunk, at most `remaining`.
static inline const float *sb_uniforms_at(uint64_t seed, uint64_t stream, long first, long remaining, float *w,
                                          long *count) {
    sb_philox16((uint64_t)first >> 2, (uint32_t)stream, (uint32_t)(stream >> 32), (uint32_t)seed,
                (uint32_t)(seed >> 32), w);
    long lane = first & 3, n = SB_CHUNK - lane;
    *count = remaining < n ? remaining : n;
    return w + lane;
}

static void k_philox_uniform(uint64_t seed, uint64_t stream, long first, long count, float *out) {
    float w[SB_CHUNK];
    for (long i = 0, n = 0; i < count; i += n) {
        const float *u = sb_uniforms_at(seed, stream, first + i, count - i, w, &n);
        SB_ELEMENTWISE
        for (long j = 0; j < n; j++) out[i + j] = u[j];
    }
}

static void k_dropout(const float *x, float *y, const sb_dropout *d, long start, long end) {
    float w[SB_CHUNK];
    const float p = d->probability, scale = d->scale;
    for (long i = start, n = 0; i < end; i += n) {
        const float *u = sb_uniforms_at(d->seed, d->stream, i, end - i, w, &n);
        SB_ELEMENTWISE
        for (long j = 0; j < n; j++) y[i + j] = u[j] < p ? 0.0f : x[i + j] * scale;
    }
}

// ---- GELU (Kernels/gelu.cl) ----

#define SB_SQRT_2_OVER_PI 0.7978845608028654f
#define SB_INV_SQRT_2 0.7071067811865475f
#define SB_INV_SQRT_2PI 0.3989422804014327f
#define SB_GELU_CUBIC 0.044715f

/// 0.5·(1 + tanh(√(2/π)·(x + 0.044715·x³))) as 1/(1 + e^(−2u)), exact where the textbook form cancels.
static inline float sb_tanh_gate(float x) {
    float u = SB_SQRT_2_OVER_PI * (x + SB_GELU_CUBIC * x * x * x);
    return 1.0f / (1.0f + sb_exp(-2.0f * u));
}

static inline float sb_gelu_erf(float x) { return 0.5f * x * sb_erfc(-x * SB_INV_SQRT_2); }
static inline float sb_gelu_tanh(float x) { return x * sb_tanh_gate(x); }

static inline float sb_gelu_erf_derivative(float x) {
    return 0.5f * sb_erfc(-x * SB_INV_SQRT_2) + x * SB_INV_SQRT_2PI * sb_exp(-0.5f * x * x);
}

static inline float sb_gelu_tanh_derivative(float x) {
    float s = sb_tanh_gate(x);
    float q = s * (1.0f - s);   // 0 once saturated: then the x·x³ term (which may overflow) is not used
    float full = s + x * 2.0f * q * SB_SQRT_2_OVER_PI * (1.0f + 3.0f * SB_GELU_CUBIC * x * x);
    return q == 0.0f ? s : full;
}

static void k_gelu_forward(int kind, const float *x, float *y, long start, long end) {
    if (kind == SB_GELU_ERF) {
        SB_ELEMENTWISE
        for (long i = start; i < end; i++) y[i] = sb_gelu_erf(x[i]);
    } else {
        SB_ELEMENTWISE
        for (long i = start; i < end; i++) y[i] = sb_gelu_tanh(x[i]);
    }
}

static void k_gelu_backward(int kind, const float *x, const float *dy, float *dx, long start, long end) {
    if (kind == SB_GELU_ERF) {
        SB_ELEMENTWISE
        for (long i = start; i < end; i++) dx[i] = dy[i] * sb_gelu_erf_derivative(x[i]);
    } else {
        SB_ELEMENTWISE
        for (long i = start; i < end; i++) dx[i] = dy[i] * sb_gelu_tanh_derivative(x[i]);
    }
}

/// σ(x) = 1/(1 + e^(−x)), exactly 0 below x = −86 (where x·σ(x) is below 1e−35 in magnitude; sb_exp would otherwise
/// stop at its clamp, e^(−86.6), and leave x·σ(x) large for huge |x|) and exactly 1 once e^(−x) rounds away.
/// Kernels/silu.cl uses the same rule.
static inline float sb_sigmoid(float x) { return x < -86.0f ? 0.0f : 1.0f / (1.0f + sb_exp(-x)); }

static void k_silu_forward(const float *x, float *y, long start, long end) {
    SB_ELEMENTWISE
    for (long i = start; i < end; i++) y[i] = x[i] * sb_sigmoid(x[i]);
}

static void k_silu_backward(const float *x, const float *dy, float *dx, long start, long end) {
    SB_ELEMENTWISE
    for (long i = start; i < end; i++) {
        float s = sb_sigmoid(x[i]);
        dx[i] = dy[i] * (s * (1.0f + x[i] * (1.0f - s)));
    }
}

static void k_bias_gelu_forward(int kind, float *x, const float *bias, float *y, long columns, long row_start,
                                long row_end) {
    for (long r = row_start; r < row_end; r++) {
        float *restrict xr = x + r * columns;
        float *restrict yr = y + r * columns;
        if (kind == SB_GELU_ERF) {
            for (long c = 0; c < columns; c++) {
                float pre = xr[c] + bias[c];
                xr[c] = pre;
                yr[c] = sb_gelu_erf(pre);
            }
        } else {
            for (long c = 0; c < columns; c++) {
                float pre = xr[c] + bias[c];
                xr[c] = pre;
                yr[c] = sb_gelu_tanh(pre);
            }
        }
    }
}

// ---- Reductions in a fixed order ----

/// Σ v[0..<n] through SB_LANES partial sums (element i into lane i mod SB_LANES), then the lanes pairwise.
static inline float sb_lane_total(float *lanes) {
    for (int width = SB_LANES / 2; width >= 1; width /= 2)
        for (int l = 0; l < width; l++) lanes[l] = lanes[l] + lanes[l + width];
    return lanes[0];
}

static inline float sb_sum(const float *v, long n) {
    float lanes[SB_LANES] = {0};
    long i = 0;
    for (; i + SB_LANES <= n; i += SB_LANES)
        for (int l = 0; l < SB_LANES; l++) lanes[l] += v[i + l];
    for (int l = 0; i + l < n; l++) lanes[l] += v[i + l];
    return sb_lane_total(lanes);
}

/// lanes[i mod SB_LANES] += a[i]·b[i] for i < n (n a multiple of SB_LANES, or the last piece of a row).
static inline void sb_dot_into(float *lanes, const float *a, const float *b, long n) {
    long i = 0;
    for (; i + SB_LANES <= n; i += SB_LANES)
        for (int l = 0; l < SB_LANES; l++) lanes[l] += a[i + l] * b[i + l];
    for (int l = 0; i + l < n; l++) lanes[l] += a[i + l] * b[i + l];
}

static float k_sum_of_squares(const float *x, long start, long end) {
    float lanes[SB_LANES] = {0};
    const float *v = x + start;
    long n = end - start, i = 0;
    for (; i + SB_LANES <= n; i += SB_LANES)
        for (int l = 0; l < SB_LANES; l++) lanes[l] += v[i + l] * v[i + l];
    for (int l = 0; i + l < n; l++) lanes[l] += v[i + l] * v[i + l];
    return sb_lane_total(lanes);
}

/// Columns per block of the column reductions (partial sums on the stack).
#define SB_COLUMN_BLOCK 256

static void k_sum_rows(const float *x, float *out, long rows, long columns, int accumulate, long column_start,
                       long column_end) {
    for (long c0 = column_start; c0 < column_end; c0 += SB_COLUMN_BLOCK) {
        long width = column_end - c0 < SB_COLUMN_BLOCK ? column_end - c0 : SB_COLUMN_BLOCK;
        float partial[SB_COLUMN_BLOCK] = {0};
        for (long r = 0; r < rows; r++) {
            const float *row = x + r * columns + c0;
            for (long j = 0; j < width; j++) partial[j] += row[j];
        }
        if (accumulate) {
            for (long j = 0; j < width; j++) out[c0 + j] = out[c0 + j] + partial[j];
        } else {
            for (long j = 0; j < width; j++) out[c0 + j] = partial[j];
        }
    }
}

// ---- Attention softmax (Kernels/softmax.cl) ----

static void k_attention_softmax_forward(const float *scores, float *probs, float *dropped, const int32_t *key_mask,
                              long rows_per_batch, long k, float scale, const sb_dropout *d, long first_index,
                              long row_start, long row_end) {
    for (long g = row_start; g < row_end; g++) {
        const long base = g * k;
        const float *s = scores + base;
        float *p = probs + base;
        const int32_t *mask = key_mask ? key_mask + (g / rows_per_batch) * k : 0;
        // Row maximum of the attended scaled scores (max is exact in any order).
        float lanes[SB_LANES];
        for (int l = 0; l < SB_LANES; l++) lanes[l] = -__builtin_inff();
        long j = 0;
        if (mask) {
            for (; j + SB_LANES <= k; j += SB_LANES)
                for (int l = 0; l < SB_LANES; l++) {
                    float v = mask[j + l] != 0 ? scale * s[j + l] : -__builtin_inff();
                    lanes[l] = v > lanes[l] ? v : lanes[l];
                }
            for (int l = 0; j + l < k; l++) {
                float v = mask[j + l] != 0 ? scale * s[j + l] : -__builtin_inff();
                lanes[l] = v > lanes[l] ? v : lanes[l];
            }
        } else {
            for (; j + SB_LANES <= k; j += SB_LANES)
                for (int l = 0; l < SB_LANES; l++) {
                    float v = scale * s[j + l];
                    lanes[l] = v > lanes[l] ? v : lanes[l];
                }
            for (int l = 0; j + l < k; l++) {
                float v = scale * s[j + l];
                lanes[l] = v > lanes[l] ? v : lanes[l];
            }
        }
        float m = lanes[0];
        for (int l = 1; l < SB_LANES; l++) m = lanes[l] > m ? lanes[l] : m;
        // e = exp(scale·s − max) once per element, kept in P (which may alias the scores: each is read first).
        if (mask) {
            SB_ELEMENTWISE
            for (j = 0; j < k; j++) {
                float e = sb_exp(scale * s[j] - m);
                p[j] = mask[j] != 0 ? e : 0.0f;
            }
        } else {
            SB_ELEMENTWISE
            for (j = 0; j < k; j++) p[j] = sb_exp(scale * s[j] - m);
        }
        const float total = sb_sum(p, k);
        const float inverse = total > 0 ? 1.0f / total : 0.0f;
        if (total > 0) {
            SB_ELEMENTWISE
            for (j = 0; j < k; j++) p[j] = p[j] * inverse;
        } else {
            SB_ELEMENTWISE
            for (j = 0; j < k; j++) p[j] = 0.0f;
        }
        if (dropped && d) {
            float w[SB_CHUNK];
            const float prob = d->probability, keep = d->scale;
            float *out = dropped + base;
            for (long j0 = 0, n = 0; j0 < k; j0 += n) {
                const float *u = sb_uniforms_at(d->seed, d->stream, first_index + base + j0, k - j0, w, &n);
                SB_ELEMENTWISE
                for (long t = 0; t < n; t++) out[j0 + t] = u[t] < prob ? 0.0f : p[j0 + t] * keep;
            }
        } else if (dropped) {
            float *out = dropped + base;
            SB_ELEMENTWISE
            for (j = 0; j < k; j++) out[j] = p[j];
        }
    }
}

static void k_attention_softmax_backward(const float *grad_dropped, const float *probs, float *grad_scores, long k,
                               float scale, const sb_dropout *d, long row_start, long row_end) {
    for (long g = row_start; g < row_end; g++) {
        const long base = g * k;
        const float *dD = grad_dropped + base, *p = probs + base;
        float *dS = grad_scores + base;
        float lanes[SB_LANES] = {0};
        if (d && grad_scores != probs) {
            // dP = dropout'(dD) drawn once, kept in dS (which may alias dD: each element is read first), then
            // dS = scale · P ⊙ (dP − dot) in place.
            float w[SB_CHUNK];
            const float prob = d->probability, keep = d->scale;
            for (long j0 = 0, n = 0; j0 < k; j0 += n) {
                const float *u = sb_uniforms_at(d->seed, d->stream, base + j0, k - j0, w, &n);
                SB_ELEMENTWISE
                for (long t = 0; t < n; t++) dS[j0 + t] = u[t] < prob ? 0.0f : dD[j0 + t] * keep;
                sb_dot_into(lanes, dS + j0, p + j0, n);
            }
            const float dot = sb_lane_total(lanes);
            SB_ELEMENTWISE
            for (long j = 0; j < k; j++) dS[j] = scale * p[j] * (dS[j] - dot);
        } else if (d) {
            // dS aliases P: dP drawn once per chunk for the dot product and again for the output.
            float w[SB_CHUNK], gp[SB_CHUNK];
            const float prob = d->probability, keep = d->scale;
            for (long j0 = 0, n = 0; j0 < k; j0 += n) {
                const float *u = sb_uniforms_at(d->seed, d->stream, base + j0, k - j0, w, &n);
                for (long t = 0; t < n; t++) gp[t] = u[t] < prob ? 0.0f : dD[j0 + t] * keep;
                sb_dot_into(lanes, gp, p + j0, n);
            }
            const float dot = sb_lane_total(lanes);
            for (long j0 = 0, n = 0; j0 < k; j0 += n) {
                const float *u = sb_uniforms_at(d->seed, d->stream, base + j0, k - j0, w, &n);
                for (long t = 0; t < n; t++) gp[t] = u[t] < prob ? 0.0f : dD[j0 + t] * keep;
                SB_ELEMENTWISE
                for (long t = 0; t < n; t++) dS[j0 + t] = scale * p[j0 + t] * (gp[t] - dot);
            }
        } else {
            sb_dot_into(lanes, dD, p, k);
            const float dot = sb_lane_total(lanes);
            SB_ELEMENTWISE
            for (long j = 0; j < k; j++) dS[j] = scale * p[j] * (dD[j] - dot);
        }
    }
}

// ---- Softmax cross-entropy (Kernels/loss.cl) ----

static void k_softmax_cross_entropy(const float *logits, float *grad, float *losses, const float *weights,
                            const int32_t *labels, int32_t *predictions, long classes, float scale, long row_start,
                            long row_end) {
    for (long r = row_start; r < row_end; r++) {
        const float *x = logits + r * classes;
        float *g = grad + r * classes;
        const long label = labels[r];
        const int valid = label >= 0 && label < classes;
        const float w = valid ? (weights ? weights[r] : 1.0f) : 0.0f;
        float lanes[SB_LANES];
        for (int l = 0; l < SB_LANES; l++) lanes[l] = -__builtin_inff();
        long c = 0;
        for (; c + SB_LANES <= classes; c += SB_LANES)
            for (int l = 0; l < SB_LANES; l++) lanes[l] = x[c + l] > lanes[l] ? x[c + l] : lanes[l];
        for (int l = 0; c + l < classes; l++) lanes[l] = x[c + l] > lanes[l] ? x[c + l] : lanes[l];
        float m = lanes[0];
        for (int l = 1; l < SB_LANES; l++) m = lanes[l] > m ? lanes[l] : m;
        if (predictions) {   // the first index holding the max, 0 when none does (NaN rows)
            int32_t first = 0;
            for (c = 0; c < classes; c++)
                if (x[c] == m) { first = (int32_t)c; break; }
            predictions[r] = first;
        }
        float sums[SB_LANES] = {0};
        for (c = 0; c + SB_LANES <= classes; c += SB_LANES)
            for (int l = 0; l < SB_LANES; l++) sums[l] += sb_exp(x[c + l] - m);
        for (int l = 0; c + l < classes; l++) sums[l] += sb_exp(x[c + l] - m);
        const float log_total = logf(sb_lane_total(sums)) + m;
        losses[r] = w == 0 ? 0.0f : w * (log_total - x[valid ? label : 0]);
        const float ws = w * scale;
        SB_ELEMENTWISE
        for (c = 0; c < classes; c++) g[c] = ws * (sb_exp(x[c] - log_total) - (c == label ? 1.0f : 0.0f));
    }
}

// ---- LayerNorm (Kernels/layernorm.cl) ----

static void k_layernorm_forward(const float *input, const float *residual, float *sum, const float *gamma,
                                const float *beta, float *output, float *mean_out, float *rstd_out, long columns,
                                float epsilon, const sb_dropout *d, long row_start, long row_end) {
    for (long r = row_start; r < row_end; r++) {
        const long base = r * columns;
        const float *v = input + base;
        if (sum) {
            // v = dropout(input) + residual, kept in `sum`.
            float *vs = sum + base;
            const float *x = input + base, *res = residual ? residual + base : 0;
            if (d) {
                float w[SB_CHUNK];
                const float prob = d->probability, keep = d->scale;
                for (long c0 = 0, n = 0; c0 < columns; c0 += n) {
                    const float *u = sb_uniforms_at(d->seed, d->stream, base + c0, columns - c0, w, &n);
                    if (res) {
                        SB_ELEMENTWISE
                        for (long t = 0; t < n; t++) vs[c0 + t] = (u[t] < prob ? 0.0f : x[c0 + t] * keep) + res[c0 + t];
                    } else {
                        SB_ELEMENTWISE
                        for (long t = 0; t < n; t++) vs[c0 + t] = u[t] < prob ? 0.0f : x[c0 + t] * keep;
                    }
                }
            } else if (res) {
                SB_ELEMENTWISE
                for (long c = 0; c < columns; c++) vs[c] = x[c] + res[c];
            } else {
                SB_ELEMENTWISE
                for (long c = 0; c < columns; c++) vs[c] = x[c];
            }
            v = vs;
        }
        const float mean = sb_sum(v, columns) / (float)columns;
        float lanes[SB_LANES] = {0};
        long c = 0;
        for (; c + SB_LANES <= columns; c += SB_LANES)
            for (int l = 0; l < SB_LANES; l++) {
                float dv = v[c + l] - mean;
                lanes[l] += dv * dv;
            }
        for (int l = 0; c + l < columns; l++) {
            float dv = v[c + l] - mean;
            lanes[l] += dv * dv;
        }
        const float rstd = 1.0f / SB_SQRT(sb_lane_total(lanes) / (float)columns + epsilon);
        float *out = output + base;
        SB_ELEMENTWISE
        for (c = 0; c < columns; c++) out[c] = (v[c] - mean) * rstd * gamma[c] + beta[c];
        mean_out[r] = mean;
        rstd_out[r] = rstd;
    }
}

static void k_layernorm_backward_params(const float *grad_out, const float *v, const float *mean, const float *rstd,
                                        float *grad_gamma, float *grad_beta, long rows, long columns,
                                        long column_start, long column_end) {
    for (long c0 = column_start; c0 < column_end; c0 += SB_COLUMN_BLOCK) {
        long width = column_end - c0 < SB_COLUMN_BLOCK ? column_end - c0 : SB_COLUMN_BLOCK;
        float sg[SB_COLUMN_BLOCK] = {0}, sb[SB_COLUMN_BLOCK] = {0};
        for (long r = 0; r < rows; r++) {
            const float *dout = grad_out + r * columns + c0, *x = v + r * columns + c0;
            const float mu = mean[r], rs = rstd[r];
            for (long j = 0; j < width; j++) {
                sg[j] += dout[j] * (x[j] - mu) * rs;
                sb[j] += dout[j];
            }
        }
        for (long j = 0; j < width; j++) {
            grad_gamma[c0 + j] = grad_gamma[c0 + j] + sg[j];
            grad_beta[c0 + j] = grad_beta[c0 + j] + sb[j];
        }
    }
}

static void k_layernorm_backward_input(const float *grad_out, const float *v, const float *mean, const float *rstd,
                                       const float *gamma, float *grad_input, long columns, long row_start,
                                       long row_end) {
    for (long r = row_start; r < row_end; r++) {
        const long base = r * columns;
        const float *dout = grad_out + base, *x = v + base;
        float *dv = grad_input + base;
        const float mu = mean[r], rs = rstd[r];
        float lg[SB_LANES] = {0}, lgx[SB_LANES] = {0};
        long c = 0;
        for (; c + SB_LANES <= columns; c += SB_LANES)
            for (int l = 0; l < SB_LANES; l++) {
                float g = dout[c + l] * gamma[c + l];
                lg[l] += g;
                lgx[l] += g * ((x[c + l] - mu) * rs);
            }
        for (int l = 0; c + l < columns; l++) {
            float g = dout[c + l] * gamma[c + l];
            lg[l] += g;
            lgx[l] += g * ((x[c + l] - mu) * rs);
        }
        const float mean_g = sb_lane_total(lg) / (float)columns, mean_gx = sb_lane_total(lgx) / (float)columns;
        SB_ELEMENTWISE
        for (c = 0; c < columns; c++) {
            float g = dout[c] * gamma[c];
            float xhat = (x[c] - mu) * rs;
            dv[c] = rs * (g - mean_g - xhat * mean_gx);
        }
    }
}

// ---- Optimizer (Kernels/adamw.cl) ----

/// Adam's moments of element i from g·clip, stored; returns m (and v through *v_out).
static inline float sb_adam_moments(const float *g, float *m, float *v, long i, float clip, float b1, float b2,
                                    float *v_out) {
    float gi = g[i] * clip;
    float mi = b1 * m[i] + (1.0f - b1) * gi;
    float vi = b2 * v[i] + (1.0f - b2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    *v_out = vi;
    return mi;
}

static void k_adamw(float *p, const float *g, float *m, float *v, const sb_adamw *c, long start, long end) {
    const float clip = c->clip, b1 = c->beta1, b2 = c->beta2, lr = c->learning_rate, wd = c->weight_decay;
    const float eps = c->epsilon, step = c->step, root2 = c->root_correction2, decay = lr * wd;
    if (c->bias_correction) {   // PyTorch's AdamW: decoupled decay, bias-corrected moments
        SB_ELEMENTWISE
        for (long i = start; i < end; i++) {
            float vi, mi = sb_adam_moments(g, m, v, i, clip, b1, b2, &vi), pi = p[i];
            p[i] = (pi - decay * pi) - step * mi / (SB_SQRT(vi) / root2 + eps);
        }
    } else {                    // Google's AdamWeightDecay: no corrections, decay inside the update
        SB_ELEMENTWISE
        for (long i = start; i < end; i++) {
            float vi, mi = sb_adam_moments(g, m, v, i, clip, b1, b2, &vi), pi = p[i];
            p[i] = pi - lr * (mi / (SB_SQRT(vi) + eps) + wd * pi);
        }
    }
}

// ---- LAMB (Kernels/lamb.cl) ----

/// Element e of a LAMB chunk: moments, the update over g, its terms of Σp² and Σu² added to *pp, *uu.
static inline void sb_lamb_element(const float *p, float *g, float *m, float *v, const sb_lamb *c, float wd, long e,
                                   float *pp, float *uu) {
    float vi, mi = sb_adam_moments(g, m, v, e, c->clip, c->beta1, c->beta2, &vi);
    float u = (mi / c->correction1) / (SB_SQRT(vi / c->correction2) + c->epsilon) + wd * p[e];
    g[e] = u;
    *pp += p[e] * p[e];
    *uu += u * u;
}

static void k_lamb_moments(const float *p, float *g, float *m, float *v, const sb_lamb *c, float wd, long start,
                          long length, float *sums) {
    float pp[SB_LANES] = {0}, uu[SB_LANES] = {0};
    long i = 0;
    for (; i + SB_LANES <= length; i += SB_LANES)
        for (int l = 0; l < SB_LANES; l++) sb_lamb_element(p, g, m, v, c, wd, start + i + l, &pp[l], &uu[l]);
    for (int l = 0; i + l < length; l++) sb_lamb_element(p, g, m, v, c, wd, start + i + l, &pp[l], &uu[l]);
    sums[0] = sb_lane_total(pp);
    sums[1] = sb_lane_total(uu);
}

// ---- Simple element-wise (Kernels/elementwise.cl) ----

static void k_add(const float *a, const float *b, float *out, long start, long end) {
    SB_ELEMENTWISE
    for (long i = start; i < end; i++) out[i] = a[i] + b[i];
}

static void k_multiply(const float *a, const float *b, float *out, long start, long end) {
    SB_ELEMENTWISE
    for (long i = start; i < end; i++) out[i] = a[i] * b[i];
}

static void k_axpby(float alpha, const float *x, float beta, float *y, long start, long end) {
    if (beta == 0.0f) {   // as BLAS: y's old contents (even NaN) are ignored
        SB_ELEMENTWISE
        for (long i = start; i < end; i++) y[i] = alpha * x[i];
    } else {
        SB_ELEMENTWISE
        for (long i = start; i < end; i++) y[i] = alpha * x[i] + beta * y[i];
    }
}

static void k_add_bias(const float *x, const float *bias, float *out, long columns, long row_start, long row_end) {
    for (long r = row_start; r < row_end; r++) {
        const float *xr = x + r * columns;
        float *o = out + r * columns;
        SB_ELEMENTWISE
        for (long c = 0; c < columns; c++) o[c] = xr[c] + bias[c];
    }
}

// ---- bfloat16 (the operands of the bf16 GEMMs) ----

static void k_to_bfloat16(const float *x, uint16_t *y, long start, long end) {
    SB_ELEMENTWISE
    for (long i = start; i < end; i++) {
        uint32_t bits;
        memcpy(&bits, &x[i], sizeof bits);
        uint32_t rounded = (bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16;
        uint32_t nan = (bits & 0x7FFFFFFFu) > 0x7F800000u;
        y[i] = (uint16_t)(nan ? ((bits >> 16) | 0x0040u) : rounded);
    }
}

const sb_cpu_kernels SB_TABLE = {
    .name = SB_ISA_NAME,
    .philox_uniform = k_philox_uniform,
    .dropout = k_dropout,
    .gelu_forward = k_gelu_forward,
    .gelu_backward = k_gelu_backward,
    .bias_gelu_forward = k_bias_gelu_forward,
    .silu_forward = k_silu_forward,
    .silu_backward = k_silu_backward,
    .attention_softmax_forward = k_attention_softmax_forward,
    .attention_softmax_backward = k_attention_softmax_backward,
    .layernorm_forward = k_layernorm_forward,
    .layernorm_backward_params = k_layernorm_backward_params,
    .layernorm_backward_input = k_layernorm_backward_input,
    .softmax_cross_entropy = k_softmax_cross_entropy,
    .adamw = k_adamw,
    .lamb_moments = k_lamb_moments,
    .sum_of_squares = k_sum_of_squares,
    .sum_rows = k_sum_rows,
    .add = k_add,
    .multiply = k_multiply,
    .axpby = k_axpby,
    .add_bias = k_add_bias,
    .to_bfloat16 = k_to_bfloat16,
};
