import ArgumentParser
import BERT
import Foundation
import Tasks

/// `bert finetune`: fine-tune a model for a task.
struct FinetuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finetune", abstract: "Fine-tune a BERT model: sentence (pair) classification, NER, or SQuAD.",
        subcommands: [FinetuneClassify.self, FinetuneNER.self, FinetuneSQuAD.self])
}

struct FinetuneClassify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "GLUE tasks (--task) or generic TSV/CSV/JSONL classification and regression.")

    @OptionGroup var training: TrainingArguments
    @OptionGroup var data: ClassifyDataArguments

    func run() throws {
        try claimOutput(training.output, command: "bert finetune classify")
        let tokenizer = try Checkpoint.open(training.model).tokenizer()
        let options = TaskOptions(maxSequenceLength: training.maxSeqLength ?? 128, badRows: training.badRows)
        let train = try data.load(training.train, split: .train, labels: nil, tokenizer: tokenizer, options: options)
        let dev = try training.dev.map {
            try data.load($0, split: .dev, labels: train.labels.isEmpty ? nil : train.labels, tokenizer: tokenizer, options: options)
        }
        try training.run(train: train, dev: dev, device: try training.openDevice(head: train.head, sequence: train.sequenceLength))
    }
}

struct FinetuneNER: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ner", abstract: "Token tagging on CoNLL column files (BIO/IOB2; entity-level F1 as seqeval).")

    @OptionGroup var training: TrainingArguments
    @OptionGroup var windows: DocStrideArguments

    func run() throws {
        try claimOutput(training.output, command: "bert finetune ner")
        let tokenizer = try Checkpoint.open(training.model).tokenizer()
        let options = windows.apply(to: TaskOptions(maxSequenceLength: training.maxSeqLength ?? 128, badRows: training.badRows))
        let train = try NERData.load(path: training.train, tokenizer: tokenizer, options: options)
        let dev = try training.dev.map { try NERData.load(path: $0, labels: train.labels, tokenizer: tokenizer, options: options) }
        try training.run(train: train, dev: dev, device: try training.openDevice(head: train.head, sequence: train.sequenceLength))
    }
}

/// SQuAD's own settings, shared by fine-tuning, prediction and evaluation.
struct SQuADArguments: ParsableArguments {
    @Option(name: .long, parsing: .unconditional, help: "Overlap between windows of a long context, in tokens.")
    var docStride: Int = 128

    @Option(name: .long, parsing: .unconditional, help: "Question tokens kept.")
    var maxQueryLength: Int = 64

    @Option(name: .long, parsing: .unconditional, help: "Candidates per question in nbest_predictions.json.")
    var nBestSize: Int = 20

    @Option(name: .long, parsing: .unconditional, help: "Longest answer in tokens.")
    var maxAnswerLength: Int = 30

    @Option(name: .long, parsing: .unconditional, help: "SQuAD 2.0: predict no answer when null score − best span score exceeds this.")
    var nullScoreDiffThreshold: Double = 0

    func validate() throws {
        guard nBestSize >= 1 else { throw ValidationError("--n-best-size must be at least 1, got \(nBestSize)") }
        guard maxAnswerLength >= 1 else { throw ValidationError("--max-answer-length must be at least 1, got \(maxAnswerLength)") }
        guard nullScoreDiffThreshold.isFinite else {
            throw ValidationError("--null-score-diff-threshold must be a finite number, got \(nullScoreDiffThreshold)")
        }
    }

    func options(maxSequenceLength: Int) -> SQuADOptions {
        SQuADOptions(maxSequenceLength: maxSequenceLength, docStride: docStride, maxQueryLength: maxQueryLength)
    }

    var postprocessing: SQuADPostprocessing {
        SQuADPostprocessing(nBestSize: nBestSize, maxAnswerLength: maxAnswerLength, nullScoreDiffThreshold: nullScoreDiffThreshold)
    }
}

struct FinetuneSQuAD: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "squad", abstract: "Extractive question answering on SQuAD v1.1 / v2.0 JSON (official EM/F1).")

    @OptionGroup var training: TrainingArguments
    @OptionGroup var squad: SQuADArguments

    func run() throws {
        try claimOutput(training.output, command: "bert finetune squad")
        let tokenizer = try Checkpoint.open(training.model).tokenizer()
        let length = training.maxSeqLength ?? 384
        let train = try SQuADData.load(path: training.train, training: true, tokenizer: tokenizer,
                                       options: squad.options(maxSequenceLength: length), postprocessing: squad.postprocessing)
        let dev = try training.dev.map {
            try SQuADData.load(path: $0, training: false, tokenizer: tokenizer, options: squad.options(maxSequenceLength: length),
                               postprocessing: squad.postprocessing)
        }
        let summary = try training.run(train: train, dev: dev, device: try training.openDevice(head: train.head, sequence: train.sequenceLength))
        if let dev, !summary.evaluationOutputs.isEmpty {
            // predictions.json / nbest_predictions.json of the final model, as Google's run_squad writes them.
            try dev.predictionSet(summary.evaluationOutputs).write(to: training.output)
            printError("wrote \(training.output)/predictions.json and nbest_predictions.json")
        }
    }
}
