// loss.cl — fused softmax + cross-entropy + gradient over rows of logits (classification, MLM, span heads):
// the probabilities are never stored; each row's loss and its logits' gradient come out of one pass.
// requires: reduce.cl
//
//   for row r with label y = labels[r] (y < 0: ignored — loss 0, gradient 0) and weight w = weights[r]
//   (1 when has_weights is 0):
//     loss[r]       = w · (log Σ_c exp(logit[r, c]) − logit[r, y])
//     dlogits[r, c] = w · scale · (softmax(logit[r])[c] − [c == y])     (overwrites; may alias logits)
//     predictions[r] = argmax_c logit[r, c], the smallest such c on ties   (only when has_predictions != 0;
//                      every row, ignored ones included; from the row max the loss computes anyway;
//                      a row without any non-NaN logit gives 0)
//
//   squared_error (regression): loss[r] = (pred[r] − target[r])²,  dpred[r] = 2 · scale · (pred[r] − target[r]);
//                 rows with valid[r] < 0 (padding) give 0 and 0
//
//   sigmoid_cross_entropy (multi-label): element i = r·columns + c of logits x with target t in [0, 1]:
//                 loss[i]    = max(x, 0) − x·t + log(1 + exp(−|x|))   (binary cross-entropy of sigmoid(x) vs t)
//                 dlogits[i] = scale · (sigmoid(x) − t)               (overwrites; may alias logits)
//                 rows with valid[r] < 0 (padding) give 0 and 0
//
// Shapes: logits, dlogits: [rows, classes]; labels, predictions: int [rows]; weights, loss: [rows];
//         pred, target, dpred: [rows]; sigmoid_cross_entropy: logits, targets, loss, dlogits [rows, columns],
//         valid: int [rows]. Class indices travel through the float reduction helpers (exact below 2²⁴).
// Every buffer arrives as (pointer, element offset).
// Launch: softmax_cross_entropy: rows work-groups of SB_ROW_WG items; squared_error: rows items;
// sigmoid_cross_entropy: rows · columns items. CPU twin: Sources/Compute/Ops/Loss/Loss+CPU.swift.
// OpenCL C 1.2; builds as one program together with reduce.cl.

__kernel __attribute__((reqd_work_group_size(SB_ROW_WG, 1, 1)))
void softmax_cross_entropy(const uint rows, const uint classes,
                           __global const float* logits, const uint logits_off,
                           __global const int* labels, const uint labels_off,
                           __global const float* weights, const uint weights_off, const uint has_weights,
                           __global float* loss, const uint loss_off,
                           __global float* dlogits, const uint dlogits_off, const float scale,
                           __global int* predictions, const uint predictions_off, const uint has_predictions) {
    __local float scratch[SB_ROW_WG];
    const uint r = get_group_id(0), t = get_local_id(0);
    // No early return: every item must reach the barriers (the launch has exactly `rows` groups).
    const size_t base = (size_t)r * classes;
    const int label = labels[labels_off + r];
    const float w = (label < 0 || (uint)label >= classes) ? 0.0f : (has_weights ? weights[weights_off + r] : 1.0f);
    float m = -INFINITY;
    for (uint c = t; c < classes; c += SB_ROW_WG) m = fmax(m, logits[logits_off + base + c]);
    m = sb_row_max(m, scratch);
    // The smallest index holding the max (only read when has_predictions). The reduction runs either way:
    // barriers stay at the top level of the kernel (PoCL computed wrong losses with them inside the branch).
    float first = (float)classes;
    if (has_predictions) {
        for (uint c = t; c < classes && first == (float)classes; c += SB_ROW_WG) {
            if (logits[logits_off + base + c] == m) first = (float)c;
        }
    }
    const float best = -sb_row_max(-first, scratch);
    if (has_predictions && t == 0) predictions[predictions_off + r] = best < (float)classes ? (int)best : 0;
    float partial = 0.0f;
    for (uint c = t; c < classes; c += SB_ROW_WG) partial += exp(logits[logits_off + base + c] - m);
    const float total = sb_row_sum(partial, scratch);
    const float log_total = log(total) + m;
    if (t == 0) loss[loss_off + r] = w == 0.0f ? 0.0f : w * (log_total - logits[logits_off + base + label]);
    barrier(CLK_GLOBAL_MEM_FENCE);   // the label logit is read before dlogits (which may alias) is written
    for (uint c = t; c < classes; c += SB_ROW_WG) {
        const float p = exp(logits[logits_off + base + c] - log_total);
        dlogits[dlogits_off + base + c] = w * scale * (p - ((int)c == label ? 1.0f : 0.0f));
    }
}

__kernel void squared_error(const uint rows, __global const float* pred, const uint pred_off,
                            __global const float* target, const uint target_off,
                            __global const int* valid, const uint valid_off, __global float* loss,
                            const uint loss_off, __global float* dpred, const uint dpred_off, const float scale) {
    const uint r = get_global_id(0);
    if (r >= rows) return;
    const float d = valid[valid_off + r] < 0 ? 0.0f : pred[pred_off + r] - target[target_off + r];
    loss[loss_off + r] = d * d;
    dpred[dpred_off + r] = 2.0f * scale * d;
}

__kernel void sigmoid_cross_entropy(const uint rows, const uint columns,
                                    __global const float* logits, const uint logits_off,
                                    __global const float* targets, const uint targets_off,
                                    __global const int* valid, const uint valid_off,
                                    __global float* loss, const uint loss_off,
                                    __global float* dlogits, const uint dlogits_off, const float scale) {
    const uint i = get_global_id(0);
    if (i >= rows * columns) return;
    const float x = logits[logits_off + i], t = targets[targets_off + i];
    const bool kept = valid[valid_off + i / columns] >= 0;
    // sigmoid(x) without overflow: exp of a non-positive argument only.
    const float e = exp(-fabs(x));
    const float sigmoid = x >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
    loss[loss_off + i] = kept ? fmax(x, 0.0f) - x * t + log1p(e) : 0.0f;
    dlogits[dlogits_off + i] = kept ? scale * (sigmoid - t) : 0.0f;
}
