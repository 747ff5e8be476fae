// The CPU backend's element-wise and row kernels, compiled once per instruction set (x86-64 baseline, AVX2+FMA,
// AVX-512) and chosen at run time from what the processor reports (`sb_cpu_best_isa`). Each function works on a
// range of elements, rows or columns, so the Swift side splits the work across its threads.
//
// The bodies are plain C the compiler vectorises for each instruction set (kernels_impl.h). Floating-point
// contraction is off and every reduction is written with sixteen partial sums in a fixed order, so every
// instruction set gives bit-identical results (tests compare them), whatever the vector width.
#ifndef SB_CPU_KERNELS_H
#define SB_CPU_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The instruction sets a kernel table is built for.
typedef enum sb_isa {
    SB_ISA_BASELINE = 0,  ///< what the compiler targets by default (x86-64: SSE2; arm64: NEON)
    SB_ISA_AVX2 = 1,      ///< x86-64 AVX2 + FMA + F16C
    SB_ISA_AVX512 = 2,    ///< x86-64 AVX-512 F/BW/DQ/VL
} sb_isa;

/// Dropout of one call: keep an element when its Philox uniform ≥ probability, scaled by `scale` = 1/(1 − p).
/// `Philox.uniform(seed, stream, index)` (Sources/Compute/Ops/Dropout/Philox.swift, Kernels/philox.cl) draws it.
typedef struct sb_dropout {
    uint64_t seed;
    uint64_t stream;
    float probability;
    float scale;
} sb_dropout;

/// One AdamW step's constants (Kernels/adamw.cl): `step` = lr / (1 − β1ᵗ), `root_correction2` = √(1 − β2ᵗ).
typedef struct sb_adamw {
    float clip;
    float beta1;
    float beta2;
    float learning_rate;
    float weight_decay;
    float epsilon;
    float step;
    float root_correction2;
    int32_t bias_correction;
} sb_adamw;

/// One LAMB step's moment constants (Kernels/lamb.cl): corrections 1 − β1ᵗ, 1 − β2ᵗ (1, 1 without bias correction).
typedef struct sb_lamb {
    float clip;
    float beta1;
    float beta2;
    float correction1;
    float correction2;
    float epsilon;
} sb_lamb;

/// GELU forms: 0 = erf (exact), 1 = tanh approximation.
enum { SB_GELU_ERF = 0, SB_GELU_TANH = 1 };

/// One instruction set's kernels. Ranges are half-open, in elements unless named rows or columns. Pointers may
/// alias where the Swift op allows it (noted per kernel); NULL marks an absent optional buffer or dropout off.
typedef struct sb_cpu_kernels {
    /// "baseline", "AVX2" or "AVX-512".
    const char *name;
    /// out[i] = Philox uniform of element first + i, for i < count.
    void (*philox_uniform)(uint64_t seed, uint64_t stream, long first, long count, float *out);
    /// y[i] = dropout(x[i]) for i in [start, end) (y may alias x).
    void (*dropout)(const float *x, float *y, const sb_dropout *dropout, long start, long end);
    /// y = gelu(x); dx = dy · gelu'(x) (dx may alias dy).
    void (*gelu_forward)(int kind, const float *x, float *y, long start, long end);
    void (*gelu_backward)(int kind, const float *x, const float *dy, float *dx, long start, long end);
    /// y = silu(x) = x·σ(x); dx = dy · σ(x)·(1 + x·(1 − σ(x))) (dx may alias dy).
    void (*silu_forward)(const float *x, float *y, long start, long end);
    void (*silu_backward)(const float *x, const float *dy, float *dx, long start, long end);
    /// x[r, c] += bias[c], y[r, c] = gelu(x[r, c]) for rows [row_start, row_end) of width `columns`.
    void (*bias_gelu_forward)(int kind, float *x, const float *bias, float *y, long columns, long row_start,
                              long row_end);
    /// Rows of k scores: P = softmax(scale · s) over the keys whose mask is non-zero (key_mask: int32 [B, k], row
    /// g uses batch g / rows_per_batch; NULL = all), 0 elsewhere; dropped = dropout(P) when `dropped` is given,
    /// element j of row g drawing Philox element first_index + g·k + j. probs and dropped may alias scores.
    void (*attention_softmax_forward)(const float *scores, float *probs, float *dropped, const int32_t *key_mask,
                            long rows_per_batch, long k, float scale, const sb_dropout *dropout, long first_index,
                            long row_start, long row_end);
    /// dS = scale · P ⊙ (dP − Σ dP ⊙ P) with dP = dropout'(dD) (grad_scores may alias grad_dropped).
    void (*attention_softmax_backward)(const float *grad_dropped, const float *probs, float *grad_scores, long k, float scale,
                             const sb_dropout *dropout, long row_start, long row_end);
    /// v = dropout(input) + residual into `sum` when `sum` is given (else v = input); output = LN(v)·γ + β; mean
    /// and rstd per row.
    void (*layernorm_forward)(const float *input, const float *residual, float *sum, const float *gamma,
                              const float *beta, float *output, float *mean, float *rstd, long columns, float epsilon,
                              const sb_dropout *dropout, long row_start, long row_end);
    /// dγ[c] += Σ_r dout·x̂, dβ[c] += Σ_r dout for columns [column_start, column_end), rows summed in order.
    void (*layernorm_backward_params)(const float *grad_out, const float *v, const float *mean, const float *rstd,
                                      float *grad_gamma, float *grad_beta, long rows, long columns, long column_start,
                                      long column_end);
    /// dv = rstd · (g − mean(g) − x̂ · mean(g ⊙ x̂)) with g = dout ⊙ γ (grad_input may alias grad_out).
    void (*layernorm_backward_input)(const float *grad_out, const float *v, const float *mean, const float *rstd,
                                     const float *gamma, float *grad_input, long columns, long row_start,
                                     long row_end);
    /// One AdamW update of p, m, v from g · clip.
    void (*adamw)(float *p, const float *g, float *m, float *v, const sb_adamw *config, long start, long end);
    /// Rows of `classes` logits: loss = w·(log Σ e^x − x[label]), grad = w·scale·(softmax − onehot), w = weights[r]
    /// (1 when NULL; 0 for a label outside [0, classes)); predictions[r] = the first index of the row's maximum
    /// when given (0 when none, e.g. NaN rows).
    void (*softmax_cross_entropy)(const float *logits, float *grad, float *losses, const float *weights, const int32_t *labels,
                          int32_t *predictions, long classes, float scale, long row_start, long row_end);
    /// One LAMB chunk [start, start + length): the moments from g·clip, the update u = (m/c1)/(√(v/c2) + ε) + wd·p
    /// written over g, and the chunk's Σp², Σu² into sums[0], sums[1].
    void (*lamb_moments)(const float *p, float *g, float *m, float *v, const sb_lamb *config, float weight_decay,
                        long start, long length, float *sums);
    /// Σ x[i]² over [start, end).
    float (*sum_of_squares)(const float *x, long start, long end);
    /// out[c] (+)= Σ_r x[r, c] for columns [column_start, column_end), rows summed in order.
    void (*sum_rows)(const float *x, float *out, long rows, long columns, int accumulate, long column_start,
                     long column_end);
    /// out = a + b, out = a ⊙ b, y = α·x + β·y (β = 0 ignores y), out[r, c] = x[r, c] + bias[c].
    void (*add)(const float *a, const float *b, float *out, long start, long end);
    void (*multiply)(const float *a, const float *b, float *out, long start, long end);
    void (*axpby)(float alpha, const float *x, float beta, float *y, long start, long end);
    void (*add_bias)(const float *x, const float *bias, float *out, long columns, long row_start, long row_end);
    /// y[i] = bfloat16(x[i]) rounded to nearest even (NaN stays a quiet NaN), for the bf16 GEMMs' operands.
    void (*to_bfloat16)(const float *x, uint16_t *y, long start, long end);
} sb_cpu_kernels;

/// The best instruction set this processor runs (read from CPUID at run time).
sb_isa sb_cpu_best_isa(void);

/// The kernels built for `isa`, or NULL when this build or this processor lacks it.
const sb_cpu_kernels *sb_cpu_kernels_for(sb_isa isa);

#ifdef __cplusplus
}
#endif

#endif
