/// Google TensorFlow variable names (`bert/encoder/layer_0/attention/self/query/kernel`) → canonical names.
///
/// `kernel` is stored [in, out] and becomes a transposed `weight`; `output_weights` is already [out, in];
/// `gamma`/`beta` become `weight`/`bias`; `output_bias` becomes `bias` (so `cls/predictions/output_bias` is
/// `cls.predictions.bias`). The fine-tuning scripts' heads map too: run_classifier's top-level
/// `output_weights`/`output_bias` → `classifier.*`, run_squad's `cls/squad/*` → `qa_outputs.*`.
/// Optimizer slots, step counters and loss-scaling state are skipped; anything else is unrecognized.
public enum GoogleNames {
    /// Suffixes of optimizer slot variables (Google's AdamWeightDecay, tf.train optimizers, LAMB).
    static let slotSuffixes = ["/adam_m", "/adam_v", "/Adam", "/Adam_1", "/Momentum", "/lamb_m", "/lamb_v"]
    /// Whole names of training-state variables.
    static let trainingState: Set<String> = ["global_step", "beta1_power", "beta2_power", "loss_scale",
                                             "good_steps", "current_loss_scale", "_CHECKPOINTABLE_OBJECT_GRAPH"]

    /// What a TensorFlow variable name means.
    public static func map(_ stored: String) -> NameMapping {
        if trainingState.contains(stored) { return .skipped(reason: "training state, not a parameter") }
        if slotSuffixes.contains(where: stored.hasSuffix) { return .skipped(reason: "optimizer slot, not a parameter") }
        switch stored {
        case "output_weights": return .parameter("classifier.weight", transposed: false)
        case "output_bias": return .parameter("classifier.bias", transposed: false)
        case "cls/squad/output_weights": return .parameter("qa_outputs.weight", transposed: false)
        case "cls/squad/output_bias": return .parameter("qa_outputs.bias", transposed: false)
        default: break
        }
        var parts = stored.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if parts.first == "bert" {
            parts.removeFirst()
            guard let scope = parts.first, ["embeddings", "encoder", "pooler"].contains(scope) else { return .unrecognized }
        } else if parts.first != "cls" {
            return .unrecognized
        }
        guard parts.count >= 2, parts.allSatisfy({ !$0.isEmpty }) else { return .unrecognized }
        var out: [String] = []
        var transposed = false
        for part in parts {
            if part.hasPrefix("layer_"), let n = Int(part.dropFirst("layer_".count)), n >= 0 {
                out += ["layer", String(n)]
                continue
            }
            switch part {
            case "kernel":
                out.append("weight")
                transposed = true
            case "gamma", "output_weights": out.append("weight")
            case "beta", "output_bias": out.append("bias")
            default: out.append(part)
            }
        }
        if let last = out.last, last.hasSuffix("_embeddings") { out.append("weight") }
        return .parameter(out.joined(separator: "."), transposed: transposed)
    }
}
