import Tokenizer

/// Loading generic labelled-text files (TSV, CSV, JSON Lines) described by a ``TextFileFormat``.
public enum TextFileData {
    /// The examples of `path` as features.
    ///
    /// - Parameters:
    ///   - labels: The class labels, index = class id. `nil` discovers them from this file (the distinct labels
    ///     sorted by code point, as Python's `sorted`): pass the training set's ``TextClassificationDataset/labels``
    ///     when loading its dev or test file. Ignored for regression.
    ///   - metricSet: The metrics to report; by default accuracy (classification) or Pearson and Spearman
    ///     (regression).
    /// - Throws: ``TaskDataError`` naming the file and line for a malformed row, an unknown label or an empty text
    ///   (under ``BadRowPolicy/fail``), a missing column, or an unlabelled classification file without `labels`.
    public static func load(path: String, format: TextFileFormat, labels: [String]? = nil,
                            metricSet: ClassificationMetricSet? = nil, tokenizer: WordPieceTokenizer,
                            options: TaskOptions = TaskOptions()) throws -> TextClassificationDataset {
        let read = try examples(path: path, format: format, labels: format.isRegression ? nil : labels, policy: options.badRows)
        let head: TaskHeadKind
        if format.isRegression {
            head = .regression
        } else if let labels = labels ?? (format.labelColumn == nil ? nil : discovered(read.examples)) {
            head = .classification(labels: labels)
        } else {
            throw TaskDataError.invalidSetting(name: "labels", expected: "the label list for the unlabelled file \(path)")
        }
        return try TextClassificationDataset(examples: read.examples, head: head,
                                             metricSet: metricSet ?? (format.isRegression ? .correlation : .accuracy),
                                             tokenizer: tokenizer, maxSequenceLength: options.maxSequenceLength,
                                             warnings: read.warnings)
    }

    /// The distinct labels of a file, sorted by code point (what ``load(path:format:labels:metricSet:tokenizer:options:)``
    /// discovers).
    public static func discoverLabels(path: String, format: TextFileFormat, policy: BadRowPolicy = .fail) throws -> [String] {
        discovered(try examples(path: path, format: format, labels: nil, policy: policy).examples)
    }

    private static func discovered(_ examples: [TextExample]) -> [String] {
        Set(examples.compactMap(\.label)).sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
    }

    /// The checked examples of a file.
    static func examples(path: String, format: TextFileFormat, labels: [String]?,
                         policy: BadRowPolicy) throws -> (examples: [TextExample], warnings: [DataWarning]) {
        let rows = try TextFileRows(path: path, format: format, knownLabels: labels)
        let checks = ExampleChecks(path: path, labels: labels, isRegression: format.isRegression,
                                   requiresLabel: format.labelColumn != nil)
        var log = WarningLog(policy: policy)
        var examples: [TextExample] = []
        for row in rows.rows {
            do {
                guard let text = try row.value(format.textColumn) else {
                    throw TaskDataError.malformedRow(path: path, line: row.line, reason: "no text column \(format.textColumn)")
                }
                var pair: (String, String)?
                if let column = format.textPairColumn {
                    guard let value = try row.value(column) else {
                        throw TaskDataError.malformedRow(path: path, line: row.line, reason: "no second-text column \(column)")
                    }
                    pair = (value, "second text (column \(column))")
                }
                var label: String?
                if let column = format.labelColumn {
                    guard let value = try row.value(column) else {
                        throw TaskDataError.malformedRow(path: path, line: row.line, reason: "no label column \(column)")
                    }
                    label = value
                }
                let id = try format.idColumn.flatMap { try row.value($0) } ?? "line-\(row.line)"
                examples.append(try checks.example(id: id, text: text, textField: "text (column \(format.textColumn))",
                                                   pair: pair, label: label, line: row.line, subset: nil))
            } catch let error as TaskDataError {
                try log.reject(error, path: path, line: row.line)
            }
        }
        guard !examples.isEmpty else { throw TaskDataError.emptyFile(path: path) }
        return (examples, log.warnings)
    }
}
