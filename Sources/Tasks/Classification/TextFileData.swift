import Tokenizer

/// Loading generic labelled-text files (TSV, CSV, JSON Lines) described by a ``TextFileFormat``.
public enum TextFileData {
    /// The examples of `path` as features.
    ///
    /// - Parameters:
    ///   - labels: The class labels, index = class id. `nil` discovers them from this file: the distinct labels
    ///     sorted by code point (as Python's `sorted`), or for 0/1 label columns the columns in order. Pass the
    ///     training set's ``TextClassificationDataset/labels`` when loading its dev or test file. Ignored for
    ///     regression.
    ///   - metricSet: The metrics to report; by default accuracy (classification), Pearson and Spearman
    ///     (regression) or the multi-label F1 scores.
    /// - Throws: ``TaskDataError`` naming the file and line for a malformed row, an unknown label or an empty text
    ///   (under ``BadRowPolicy/fail``), a missing column, or an unlabelled classification file without `labels`.
    public static func load(path: String, format: TextFileFormat, labels: [String]? = nil,
                            metricSet: ClassificationMetricSet? = nil, tokenizer: WordPieceTokenizer,
                            options: TaskOptions = TaskOptions()) throws -> TextClassificationDataset {
        let read = try examples(path: path, format: format, labels: format.isRegression ? nil : labels, policy: options.badRows)
        let head: TaskHeadKind
        if format.isRegression {
            head = .regression
        } else if let labels = labels ?? (format.isLabelled ? read.labels : nil) {
            head = format.labelLayout.isMultiLabel ? .multiLabel(labels: labels) : .classification(labels: labels)
        } else {
            throw TaskDataError.invalidSetting(name: "labels", expected: "the label list for the unlabelled file \(path)")
        }
        let defaultMetrics: ClassificationMetricSet = format.isRegression ? .correlation : format.labelLayout.isMultiLabel ? .multiLabel : .accuracy
        return try TextClassificationDataset(examples: read.examples, head: head, metricSet: metricSet ?? defaultMetrics,
                                             tokenizer: tokenizer, maxSequenceLength: options.maxSequenceLength,
                                             threshold: options.threshold, docStride: options.docStride,
                                             windowAggregation: options.windowAggregation, warnings: read.warnings)
    }

    /// The labels ``load(path:format:labels:metricSet:tokenizer:options:)`` discovers in a file: its distinct labels
    /// sorted by code point, or its 0/1 label columns in order.
    public static func discoverLabels(path: String, format: TextFileFormat, policy: BadRowPolicy = .fail) throws -> [String] {
        try examples(path: path, format: format, labels: nil, policy: policy).labels
    }

    /// The text column of every row of a TSV, CSV or JSON Lines file, in file order (an empty field is an empty
    /// text): the input of `bert embed`.
    ///
    /// - Throws: ``TaskDataError`` naming the file and line of a row without the column, or a missing column.
    public static func texts(path: String, format: TextFileFormat) throws -> [String] {
        try TextFileRows(path: path, format: format, knownLabels: nil).rows.map { row in
            guard let text = try row.value(format.textColumn) else {
                throw TaskDataError.malformedRow(path: path, line: row.line, reason: "no text column \(format.textColumn)")
            }
            return text
        }
    }

    /// What a file holds: checked examples, the rows skipped, and the labels it names.
    struct Read {
        var examples: [TextExample]
        var warnings: [DataWarning]
        /// The 0/1 label columns' labels, else the distinct labels sorted by code point.
        var labels: [String]
    }

    /// The checked examples of a file.
    static func examples(path: String, format: TextFileFormat, labels: [String]?, policy: BadRowPolicy) throws -> Read {
        let rows = try TextFileRows(path: path, format: format, knownLabels: format.labelLayout.isMultiLabel ? nil : labels)
        if let labels, !rows.indicatorColumns.isEmpty { try checkIndicators(rows.indicatorColumns.map(\.label), against: labels, path: path) }
        let checks = ExampleChecks(path: path, labels: labels, isRegression: format.isRegression, requiresLabel: format.isLabelled)
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
                if let column = format.labelColumn, case .single = format.labelLayout {
                    guard let value = try row.value(column) else {
                        throw TaskDataError.malformedRow(path: path, line: row.line, reason: "no label column \(column)")
                    }
                    label = value
                }
                let labelSet = try Self.labelSet(row, format: format, indicators: rows.indicatorColumns, path: path)
                let id = try format.idColumn.flatMap { try row.value($0) } ?? "line-\(row.line)"
                examples.append(try checks.example(id: id, text: text, textField: "text (column \(format.textColumn))",
                                                   pair: pair, label: label, labelSet: labelSet, line: row.line, subset: nil))
            } catch let error as TaskDataError {
                try log.reject(error, path: path, line: row.line)
            }
        }
        guard !examples.isEmpty else { throw TaskDataError.emptyFile(path: path) }
        let discovered = rows.indicatorColumns.isEmpty
            ? Set(examples.flatMap { $0.labelSet ?? ($0.label.map { [$0] } ?? []) }).sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
            : rows.indicatorColumns.map(\.label)
        return Read(examples: examples, warnings: log.warnings, labels: discovered)
    }

    /// A multi-label row's labels: its label column split at the separator (blank pieces dropped, repeats once), or
    /// the 0/1 columns that hold 1. `nil` for single-label formats and unlabelled files.
    private static func labelSet(_ row: TextFileRows.Row, format: TextFileFormat,
                                 indicators: [(column: TextFileFormat.Column, label: String)], path: String) throws -> [String]? {
        switch format.labelLayout {
        case .single:
            return nil
        case .separated(let separator):
            guard let column = format.labelColumn else { return nil }
            guard let value = try row.value(column) else {
                throw TaskDataError.malformedRow(path: path, line: row.line, reason: "no label column \(column)")
            }
            var seen = Set<String>()
            return value.components(separatedBy: separator).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && seen.insert($0).inserted }
        case .indicatorColumns:
            return try indicators.compactMap { column, label in
                guard let value = try row.value(column) else {
                    throw TaskDataError.malformedRow(path: path, line: row.line, reason: "no label column \(column)")
                }
                switch value.trimmingCharacters(in: .whitespaces).lowercased() {
                case "1", "1.0", "true": return label
                case "0", "0.0", "false": return nil
                default:
                    throw TaskDataError.malformedRow(path: path, line: row.line,
                                                     reason: "label column \(column) must hold 1 or 0 (true or false), found '\(value)'")
                }
            }
        }
    }

    /// A dev or test file's 0/1 label columns must be the training labels, each once.
    private static func checkIndicators(_ columns: [String], against labels: [String], path: String) throws {
        if let unknown = columns.first(where: { !labels.contains($0) }) {
            throw TaskDataError.unknownLabel(path: path, line: 1, label: unknown, known: labels)
        }
        if let missing = labels.first(where: { !columns.contains($0) }) {
            throw TaskDataError.missingColumn(path: path, column: missing, header: columns)
        }
    }
}
