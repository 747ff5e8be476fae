import ArgumentParser
import BERT
import Compute
import Training

/// `--recompute` and `--activations`: which activation policies a training run (or a plan) may use.
struct ActivationArguments: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Activation recompute: none, attention (recompute the S×S attention probabilities in backward), layer (keep only "
            + "layer inputs, re-run each layer in backward) or auto (the memory plan picks the fastest that fits)."))
    var recompute: String = "auto"

    @Option(name: .long, help: "Precision of the activations kept for backward: fp32, half (IEEE half storage, fp32 math) or auto.")
    var activations: String = "auto"

    func validate() throws {
        guard recompute == "auto" || ActivationPolicy.Recompute(rawValue: recompute) != nil else {
            throw ValidationError("--recompute must be none, attention, layer or auto, got '\(recompute)'")
        }
        guard activations == "auto" || ActivationPolicy.Storage(rawValue: activations) != nil else {
            throw ValidationError("--activations must be fp32, half or auto, got '\(activations)'")
        }
    }

    /// The policies the flags allow, cheapest first.
    var candidates: [ActivationPolicy] {
        ActivationPolicy.all.filter {
            (recompute == "auto" || $0.recompute.rawValue == recompute) && (activations == "auto" || $0.storage.rawValue == activations)
        }
    }
}
