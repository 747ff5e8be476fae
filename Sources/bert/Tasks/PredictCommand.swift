import ArgumentParser
import BERT
import Compute
import Foundation
import Tasks
import Tokenizer
import Training

/// Flags of `bert predict` and `bert evaluate`: a fine-tuned model, batching and the device.
struct InferenceArguments: ParsableArguments {
    @Option(name: .long, help: "A fine-tuned model folder (the output/model of `bert finetune`).")
    var model: String

    @Option(name: .long, parsing: .unconditional, help: "Tokens per input (default: 128; SQuAD 384).")
    var maxSeqLength: Int?

    @Option(name: .long, parsing: .unconditional, help: "Inputs per forward pass.")
    var batchSize: Int = 16

    @Flag(name: .long, help: "Skip malformed data rows (counted and reported) instead of stopping at the first.")
    var skipBadRows = false

    @OptionGroup var deviceArguments: DeviceArguments

    func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
        if let maxSeqLength, maxSeqLength < 3 {
            throw ValidationError("--max-seq-length must be at least 3 ([CLS], a token and [SEP]), got \(maxSeqLength)")
        }
    }

    func options(_ defaultLength: Int = 128) -> TaskOptions {
        TaskOptions(maxSequenceLength: maxSeqLength ?? defaultLength, badRows: skipBadRows ? .skip : .fail)
    }

    /// The fine-tuned model's checkpoint, tokenizer, label names (id2label) and problem type.
    func open() throws -> (checkpoint: Checkpoint, tokenizer: WordPieceTokenizer, labels: [String]?, problemType: BertConfig.ProblemType?) {
        let checkpoint = try Checkpoint.open(model)
        let config = try checkpoint.requireConfig()
        return (checkpoint, try checkpoint.tokenizer(), config.labels, config.problemType)
    }

    /// The model's outputs for a dataset's features.
    func outputs<D: TaskDataset>(_ dataset: D) throws -> [[Float]] {
        report(dataset.warnings, "data")
        report(dataset.truncation, "input data", sequence: dataset.sequenceLength,
               positions: try Checkpoint.open(model).requireConfig().maxPositionEmbeddings)
        let fits = try inferenceFit(folder: model, head: PlannedHead(dataset.head.spec), batch: batchSize, sequence: dataset.sequenceLength)
        let model = try TaskModel(folder: model, kind: dataset.head, device: try deviceArguments.open(fits: fits), batch: batchSize,
                                  sequence: dataset.sequenceLength, training: false)
        return try model.predict(dataset.features)
    }
}

/// Writes Encodable records as JSON lines, atomically.
func writeJSONLines<T: Encodable>(_ records: [T], to path: String) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let writer = try AtomicFileWriter(path: path)
    for record in records {
        try writer.write(try encoder.encode(record) + Data("\n".utf8))
    }
    try writer.commit()
    printError("wrote \(records.count) predictions to \(path)")
}

/// `bert predict`: run a fine-tuned model over unlabelled data and write JSONL predictions.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict", abstract: "Predict with a fine-tuned model (JSONL out).",
        subcommands: [PredictClassify.self, PredictNER.self, PredictSQuAD.self])
}

struct PredictClassify: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "classify", abstract: "Labels (and probabilities) per example.")
    @OptionGroup var inference: InferenceArguments
    @OptionGroup var data: ClassifyDataArguments
    @Option(name: .long, help: "Input file (a GLUE test.tsv, or a generic file).") var input: String
    @Option(name: .long, help: "Output JSONL.") var output: String
    @Flag(name: .long, help: "Also write every class's (multi-label: every label's) probability, in the model's label order.")
    var probabilities = false

    func run() throws {
        let (_, tokenizer, labels, problemType) = try inference.open()
        let dataset = try data.load(input, split: .test, labels: labels, model: problemType, tokenizer: tokenizer,
                                    options: inference.options())
        var predictions = try dataset.predictions(try inference.outputs(dataset))
        if !probabilities { for index in predictions.indices { predictions[index].probabilities = nil } }
        try writeJSONLines(predictions, to: output)
    }
}

struct PredictNER: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ner", abstract: "Tags per word of a CoNLL file (tags optional).")
    @OptionGroup var inference: InferenceArguments
    @OptionGroup var windows: DocStrideArguments
    @Option(name: .long, help: "CoNLL input (words in the first column).") var input: String
    @Option(name: .long, help: "Output JSONL.") var output: String

    func run() throws {
        let (_, tokenizer, labels, _) = try inference.open()
        guard let labels else { throw ValidationError("\(inference.model) has no id2label in config.json: is it a fine-tuned NER model?") }
        let dataset = try NERData.load(path: input, labels: labels, labelled: false, tokenizer: tokenizer,
                                       options: windows.apply(to: inference.options()))
        try writeJSONLines(try dataset.predictions(try inference.outputs(dataset)), to: output)
    }
}

struct PredictSQuAD: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "squad", abstract: "Answers for SQuAD JSON: JSONL, plus predictions.json and nbest_predictions.json.")
    @OptionGroup var inference: InferenceArguments
    @OptionGroup var squad: SQuADArguments
    @Option(name: .long, help: "SQuAD JSON input.") var input: String
    @Option(name: .long, help: "Output JSONL (predictions.json etc. are written beside it).") var output: String

    func run() throws {
        let (_, tokenizer, _, _) = try inference.open()
        let dataset = try SQuADData.load(path: input, training: false, tokenizer: tokenizer,
                                         options: squad.options(maxSequenceLength: inference.maxSeqLength ?? 384),
                                         postprocessing: squad.postprocessing)
        let predictions = try dataset.predictionSet(try inference.outputs(dataset))
        try predictions.write(to: (output as NSString).deletingLastPathComponent.isEmpty ? "." : (output as NSString).deletingLastPathComponent)
        try writeJSONLines(predictions.records, to: output)
    }
}
