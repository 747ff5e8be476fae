import ArgumentParser
import BERT
import Compute
import Foundation
import Tasks
import Training

/// `bert evaluate`: a fine-tuned model's official metrics on labelled data.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate", abstract: "Official metrics of a fine-tuned model on labelled data (or of a SQuAD predictions file).",
        subcommands: [EvaluateClassify.self, EvaluateNER.self, EvaluateSQuAD.self])
}

/// Prints metrics and, with `path`, writes them as JSON atomically.
func reportMetrics(_ metrics: [String: Double], to path: String?) throws {
    print(metrics.sorted { $0.key < $1.key }.map { "\($0.key) = \(String(format: "%.4f", $0.value))" }.joined(separator: "\n"))
    if let path {
        let data = try JSONSerialization.data(withJSONObject: metrics, options: [.sortedKeys, .prettyPrinted])
        try AtomicFile.write(data + Data("\n".utf8), to: path)
    }
}

struct EvaluateClassify: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "classify", abstract: "Accuracy / F1 / MCC / correlations / multi-label F1.")
    @OptionGroup var inference: InferenceArguments
    @OptionGroup var data: ClassifyDataArguments
    @Option(name: .long, help: "Labelled dev file.") var dev: String
    @Option(name: .long, help: "Also write the metrics to this JSON file.") var output: String?

    func run() throws {
        let (_, tokenizer, labels, problemType) = try inference.open()
        let dataset = try data.load(dev, split: .dev, labels: labels, model: problemType, tokenizer: tokenizer, options: inference.options())
        try reportMetrics(try dataset.metrics(try inference.outputs(dataset)), to: output)
    }
}

struct EvaluateNER: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ner", abstract: "Entity-level precision, recall and F1.")
    @OptionGroup var inference: InferenceArguments
    @OptionGroup var windows: DocStrideArguments
    @Option(name: .long, help: "Labelled CoNLL dev file.") var dev: String
    @Option(name: .long, help: "Also write the metrics to this JSON file.") var output: String?

    func run() throws {
        let (_, tokenizer, labels, _) = try inference.open()
        let dataset = try NERData.load(path: dev, labels: labels, tokenizer: tokenizer, options: windows.apply(to: inference.options()))
        try reportMetrics(try dataset.metrics(try inference.outputs(dataset)), to: output)
    }
}

struct EvaluateSQuAD: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "squad",
        abstract: "EM/F1 exactly as the official evaluate-v1.1/v2.0 scripts: of a model (--model) or of a predictions file (--predictions).")
    @Option(name: .long, help: "SQuAD JSON with answers.") var data: String
    @Option(name: .long, help: "A predictions.json to score (no model needed).") var predictions: String?
    @Option(name: .long, help: "SQuAD 2.0: null_odds.json for the best-threshold scores.") var naProbabilities: String?
    @Option(name: .long, help: "A fine-tuned model to run instead of --predictions.") var model: String?
    @Option(name: .long, parsing: .unconditional, help: "Tokens per input.") var maxSeqLength: Int = 384
    @Option(name: .long, parsing: .unconditional, help: "Inputs per forward pass.") var batchSize: Int = 16
    @Option(name: .long, help: "Also write the metrics to this JSON file.") var output: String?
    @OptionGroup var squad: SQuADArguments
    @OptionGroup var deviceArguments: DeviceArguments

    func validate() throws {
        guard (predictions == nil) != (model == nil) else { throw ValidationError("give exactly one of --predictions and --model") }
    }

    func run() throws {
        if let predictions {
            try reportMetrics(try SQuADEvaluator.evaluate(dataFile: data, predictionsFile: predictions, noAnswerFile: naProbabilities),
                              to: output)
            return
        }
        guard let model else { return }
        let checkpoint = try Checkpoint.open(model)
        let dataset = try SQuADData.load(path: data, training: false, tokenizer: try checkpoint.tokenizer(),
                                         options: squad.options(maxSequenceLength: maxSeqLength), postprocessing: squad.postprocessing)
        let fits = try inferenceFit(folder: model, head: .span, batch: batchSize, sequence: maxSeqLength)
        let taskModel = try TaskModel(folder: model, kind: .span, device: try deviceArguments.open(fits: fits), batch: batchSize,
                                      sequence: maxSeqLength, training: false)
        try reportMetrics(try dataset.metrics(try taskModel.predict(dataset.features)), to: output)
    }
}
