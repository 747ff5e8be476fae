import ArgumentParser
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

    func validate() throws {
        if let task, GLUETask(name: task) == nil {
            throw ValidationError("unknown --task '\(task)'; expected one of \(GLUETask.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if task == nil, textColumn == nil {
            throw ValidationError("give --task NAME for a GLUE task, or --text-column (and --label-column) for a generic file")
        }
    }

    /// Loads one file: `split` chooses the GLUE layout (train/dev/test); `labels` fixes the label order
    /// (from the training data or the fine-tuned model).
    func load(_ path: String, split: GLUESplit, labels: [String]?, tokenizer: WordPieceTokenizer, options: TaskOptions) throws
        -> TextClassificationDataset {
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
        let fileFormat = TextFileFormat(kind: kind, textColumn: .init(textColumn ?? "0"), textPairColumn: textPairColumn.map { .init($0) },
                                        labelColumn: split == .test ? nil : labelColumn.map { .init($0) },
                                        idColumn: idColumn.map { .init($0) }, isRegression: regression)
        return try TextFileData.load(path: path, format: fileFormat, labels: labels, tokenizer: tokenizer, options: options)
    }
}
