import ArgumentParser
import BERT
import Compute

/// `bert inspect PATH`: what a checkpoint holds — tensors, configuration, parameter count — and whether it
/// matches its configuration.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "List a checkpoint's tensors, configuration and parameter count.",
        discussion: "PATH: a HuggingFace folder or .safetensors file, or a Google TensorFlow checkpoint folder, "
            + ".index file or prefix (bert_model.ckpt).")

    @Argument(help: "The checkpoint to inspect.")
    var path: String

    @Flag(name: .long, help: "Also list skipped tensors (optimizer slots, buffers, tied copies).")
    var all = false

    func run() throws {
        let checkpoint = try Checkpoint.open(path)
        print("checkpoint: \(checkpoint.location) (\(checkpoint.format.rawValue))")
        if let config = checkpoint.config, let file = checkpoint.configFile {
            let act = ConfigDialect.huggingFace.activationName(config.activation) ?? "gelu"
            print("config: \(file)")
            print("  layers \(config.numHiddenLayers), hidden \(config.hiddenSize), heads \(config.numAttentionHeads), "
                  + "intermediate \(config.intermediateSize), vocab \(config.vocabSize), positions "
                  + "\(config.maxPositionEmbeddings), segment types \(config.typeVocabSize)")
            print("  GELU \(config.activation.rawValue) (HF hidden_act \"\(act)\"), layer_norm_eps \(config.layerNormEps), "
                  + "dropout \(config.hiddenDropoutProb)/\(config.attentionProbsDropoutProb)"
                  + (config.labels.map { ", labels \($0.joined(separator: ","))" } ?? ""))
        } else {
            print("config: none found beside the checkpoint")
        }
        if let vocabulary = checkpoint.vocabulary {
            let lowerCase = checkpoint.doLowerCase.map { ", do_lower_case \($0)" } ?? ""
            print("vocabulary: \(vocabulary.tokenCount) tokens\(lowerCase)")
        }
        let heads = checkpoint.heads
        print("heads: \(heads) → \(heads.architecture)")

        var rows = [["tensor", "stored as", "dtype", "shape", "bytes"]]
        var bytes = 0
        for tensor in checkpoint.tensors {
            let stored = tensor.sourceName == tensor.name ? "" : tensor.sourceName + (tensor.transposed ? " (transposed)" : "")
            rows.append([tensor.name, stored, tensor.dtype.rawValue, "\(tensor.shape)", ByteCount.format(tensor.storedBytes)])
            bytes += tensor.storedBytes
        }
        print("")
        print(table(rows))
        if all, !checkpoint.skipped.isEmpty {
            print("\nskipped:")
            print(table([["tensor", "dtype", "shape", "why"]]
                        + checkpoint.skipped.map { [$0.sourceName, $0.dtype, "\($0.shape)", $0.reason] }))
        } else if !checkpoint.skipped.isEmpty {
            print("\n\(checkpoint.skipped.count) tensors skipped (optimizer slots, buffers, tied copies; --all lists them)")
        }
        print("\nparameters: \(checkpoint.parameterCount) in \(checkpoint.tensors.count) tensors, \(ByteCount.format(bytes))")
        for other in checkpoint.unrecognized {
            printError("warning: unrecognized tensor '\(other.sourceName)' \(other.dtype) \(other.shape) is not loaded")
        }
        guard let config = checkpoint.config else { return }
        let specs = config.parameterSpecs(heads: heads)
        let match = checkpoint.match(specs)
        let expected = specs.reduce(0) { $0 + $1.count }
        if match.isExact {
            print("matches the configuration: \(expected) parameters expected for \(heads)")
            return
        }
        for spec in match.missing { printError("warning: missing tensor '\(spec.name)' \(spec.shape)") }
        for item in match.mismatched {
            printError("warning: tensor '\(item.name)' has shape \(item.actual), the configuration implies \(item.expected)")
        }
        for name in match.unexpected { printError("warning: unexpected tensor '\(name)' (not part of \(heads))") }
        print("does not match the configuration (\(expected) parameters expected): \(match.missing.count) missing, "
              + "\(match.mismatched.count) with another shape, \(match.unexpected.count) unexpected")
    }
}
