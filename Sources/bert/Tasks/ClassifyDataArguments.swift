import ArgumentParser
import BERT
import Foundation
import Tasks
import Tokenizer

/// How sentence (pair) classification data is read: a named GLUE task's official layout, or a generic
/// TSV/CSV/JSONL file with named or numbered columns.
struct ClassifyDataArguments: ParsableArguments {
    @Option(name: .long, help: "GLUE task: CoLA, SST-2, MRPC, STS-B, QQP, MNLI, QNLI, RTE, WNLI (its official TSV layout).")
    var task: String?

    @Option(name: .long, help: "Generic format: tsv, csv or jsonl (default: from the file extension).")
    var format: String?

    @Option(name: .long, help: "Generic format: the text column (name or 0-based index).")
    var textColumn: String?

    @Option(name: .long, help: "Generic format: the second text's column, for pairs.")
    var textPairColumn: String?

    @Option(name: .long, help: "Generic format: the label column.")
    var labelColumn: String?

    @Option(name: .long, help: "Generic format: an id column for predictions.")
    var idColumn: String?

    @Flag(name: .long, help: "Generic format: the label is a real number (regression).")
    var regression = false

    @Flag(name: .long, help: ArgumentHelp(
        "Generic format: multi-label classification, a sigmoid per label. Labels are the --label-column split at "
            + "--label-separator, or 0/1 columns (--label-columns, else every column but the text, pair and id columns)."))
    var multiLabel = false

    @Option(name: .long, help: "Multi-label: what separates the labels in the --label-column.")
    var labelSeparator: String = ","

    @Option(name: .long, help: "Multi-label: the 0/1 label columns, comma-separated (names or 0-based indices); implies --multi-label.")
    var labelColumns: String?

    @Option(name: .long, parsing: .unconditional, help: "Multi-label: predict a label when its probability is at least this.")
    var threshold: Double = MultiLabelMetrics.defaultThreshold

    @OptionGroup var windows: DocStrideArguments

    @Option(name: .long, help: "With --doc-stride: mean or max of a long input's windows' logits.")
    var windowAggregation: String = WindowAggregation.mean.rawValue

    /// Whether the data is multi-label: by the flags, or (`model`) because the fine-tuned model is.
    func isMultiLabel(model: BertConfig.ProblemType? = nil) -> Bool { multiLabel || labelColumns != nil || model == .multiLabel }

    /// How the labels are written (`multiLabel`: whatever the flags say, the data is multi-label).
    func labelLayout(multiLabel: Bool) -> TextFileFormat.LabelLayout {
        guard multiLabel else { return .single }
        if let labelColumns {
            return .indicatorColumns(labelColumns.split(separator: ",").map { .init($0.trimmingCharacters(in: .whitespaces)) })
        }
        return labelColumn == nil ? .indicatorColumns(nil) : .separated(labelSeparator)
    }

    func validate() throws {
        if regression, isMultiLabel() { throw ValidationError("--regression and --multi-label (or --label-columns) exclude each other") }
        if task != nil, isMultiLabel() { throw ValidationError("--multi-label is for generic files; GLUE tasks are single-label") }
        if labelColumn != nil, labelColumns != nil {
            throw ValidationError("give --label-column (labels split at --label-separator) or --label-columns (0/1 columns), not both")
        }
        if labelSeparator.isEmpty { throw ValidationError("--label-separator must not be empty") }
        if let labelColumns, labelColumns.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw ValidationError("--label-columns must name columns separated by commas, got '\(labelColumns)'")
        }
        if WindowAggregation(rawValue: windowAggregation) == nil {
            throw ValidationError("--window-aggregation must be mean or max, got '\(windowAggregation)'")
        }
        guard threshold > 0, threshold < 1 else {
            throw ValidationError("--threshold must be a probability strictly between 0 and 1, got \(threshold)")
        }
        if let task, GLUETask(name: task) == nil {
            throw ValidationError("unknown --task '\(task)'; expected one of \(GLUETask.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if task == nil, textColumn == nil {
            throw ValidationError("give --task NAME for a GLUE task, or --text-column (and --label-column) for a generic file")
        }
    }

    /// Loads one file: `split` chooses the GLUE layout (train/dev/test); `labels` fixes the label order
    /// (from the training data or the fine-tuned model); `model` is the fine-tuned model's problem type, which
    /// makes the data multi-label (or refuses the multi-label flags) without them being given.
    func load(_ path: String, split: GLUESplit, labels: [String]?, model: BertConfig.ProblemType? = nil,
              tokenizer: WordPieceTokenizer, options: TaskOptions) throws -> TextClassificationDataset {
        if let model, model != .multiLabel, isMultiLabel() {
            throw ValidationError("the model is not multi-label (its config.json has problem_type \"\(model.rawValue)\"); drop --multi-label and --label-columns")
        }
        var options = windows.apply(to: options)
        options.threshold = threshold
        options.windowAggregation = WindowAggregation(rawValue: windowAggregation) ?? .mean
        if let name = task, let glue = GLUETask(name: name) {
            let files: [(path: String, subset: String?)] = glue == .mnli && split != .train
                ? [(path, path.contains("mismatched") ? "mismatched" : "matched")] : [(path, nil)]
            return try GLUEData.load(glue, split: split, files: files, tokenizer: tokenizer, options: options)
        }
        let kind: TextFileFormat.Kind
        if let format {
            guard let parsed = TextFileFormat.Kind(rawValue: format.lowercased()) else {
                throw ValidationError("--format must be tsv, csv or jsonl, got '\(format)'")
            }
            kind = parsed
        } else {
            guard let guessed = TextFileFormat.Kind(path: path) else {
                throw ValidationError("cannot tell the format of \(path) from its extension; give --format tsv|csv|jsonl")
            }
            kind = guessed
        }
        // Prediction input is read unlabelled: a multi-label model's file as a label-column layout without the column.
        let multiLabel = isMultiLabel(model: model)
        let layout: TextFileFormat.LabelLayout = split == .test && multiLabel ? .separated(labelSeparator) : labelLayout(multiLabel: multiLabel)
        let fileFormat = TextFileFormat(kind: kind, textColumn: .init(textColumn ?? "0"), textPairColumn: textPairColumn.map { .init($0) },
                                        labelColumn: split == .test ? nil : labelColumn.map { .init($0) },
                                        idColumn: idColumn.map { .init($0) }, isRegression: regression || model == .regression,
                                        labelLayout: layout)
        return try TextFileData.load(path: path, format: fileFormat, labels: labels, tokenizer: tokenizer, options: options)
    }
}
