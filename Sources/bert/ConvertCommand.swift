import ArgumentParser
import BERT

/// `bert convert --from PATH --to DIR`: any checkpoint SwiftBERT reads → a SwiftBERT folder that transformers
/// also loads (model.safetensors, config.json, vocab.txt, tokenizer_config.json).
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a Google TensorFlow or HuggingFace checkpoint into a SwiftBERT/HuggingFace folder.",
        discussion: "A Google checkpoint's \"gelu\" is the tanh approximation, so its config.json is written with "
            + "hidden_act \"gelu_new\". The folder is written to a temporary sibling and renamed into place.")

    @Option(name: .long, help: "Source: HF folder or .safetensors file, TF folder, .index file or prefix (bert_model.ckpt).")
    var from: String

    @Option(name: .long, help: "Destination folder.")
    var to: String

    @Flag(name: .long, help: "Replace the destination folder if it exists.")
    var overwrite = false

    @Flag(name: .customLong("lower-case"), inversion: .prefixedNo,
          help: "Whether the tokenizer lower-cases (default: the source's tokenizer_config.json, else guessed from vocab.txt).")
    var lowerCase: Bool?

    func run() throws {
        let report = try CheckpointConversion.convert(
            from: from, to: to, options: CheckpointConversion.Options(doLowerCase: lowerCase, replacing: overwrite))
        for name in report.unrecognized { printError("warning: unrecognized tensor '\(name)' was not converted") }
        for name in report.dropped { printError("warning: tensor '\(name)' is not part of \(report.heads); not written") }
        print("converted \(report.sourceFormat.rawValue) checkpoint \(from) → \(to)")
        print("  \(report.architecture): \(report.heads), \(report.tensorCount) tensors, \(report.parameterCount) parameters")
        print("  hidden_act \"\(report.hiddenAct)\", do_lower_case \(report.doLowerCase) (\(report.doLowerCaseSource)), "
              + "\(report.skipped) non-parameter tensors skipped")
    }
}
