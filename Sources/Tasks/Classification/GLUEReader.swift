/// Reads GLUE's TSV files into examples, one file at a time.
enum GLUEReader {
    /// The examples of one GLUE file.
    ///
    /// Rows must have exactly as many columns as the header (for CoLA's headerless train and dev files: 4);
    /// texts must not be empty; labels must be in the task's list (STS-B: a number). A row that fails is an
    /// error, or a warning and skipped under ``BadRowPolicy/skip``. Empty lines are ignored.
    static func read(task: GLUETask, split: GLUESplit, path: String, subset: String?,
                     policy: BadRowPolicy) throws -> (examples: [TextExample], warnings: [DataWarning]) {
        let layout = GLUELayout(task: task, split: split)
        var rows = DelimitedText.tsv(try TextFile.bytes(at: path))[...]
        var expectedColumns = layout.columnCount
        if layout.hasHeader, let header = rows.popFirst() {
            guard header.fields.count >= layout.requiredColumns else {
                throw TaskDataError.malformedRow(path: path, line: header.line,
                                                 reason: "the header has \(header.fields.count) columns; \(task.rawValue) \(split.rawValue) files have at least \(layout.requiredColumns)")
            }
            expectedColumns = header.fields.count
        }
        guard !rows.isEmpty else { throw TaskDataError.emptyFile(path: path) }
        let checks = ExampleChecks(path: path, labels: task.labels, isRegression: task.labels == nil,
                                   requiresLabel: layout.label != nil)
        var log = WarningLog(policy: policy)
        var examples: [TextExample] = []
        for row in rows {
            do {
                examples.append(try example(row, layout: layout, expectedColumns: expectedColumns, checks: checks,
                                            split: split, subset: subset))
            } catch let error as TaskDataError {
                try log.reject(error, path: path, line: row.line)
            }
        }
        guard !examples.isEmpty else { throw TaskDataError.emptyFile(path: path) }
        return (examples, log.warnings)
    }

    private static func example(_ row: DelimitedRow, layout: GLUELayout, expectedColumns: Int?, checks: ExampleChecks,
                                split: GLUESplit, subset: String?) throws -> TextExample {
        let fields = row.fields
        let expected = expectedColumns ?? layout.requiredColumns
        guard fields.count == expected else {
            throw TaskDataError.malformedRow(path: checks.path, line: row.line,
                                             reason: "expected \(expected) tab-separated columns, found \(fields.count)")
        }
        var label: String?
        switch layout.label {
        case .index(let index)?: label = fields[index]
        case .last?: label = fields.last
        case nil: label = nil
        }
        return try checks.example(id: layout.id.map { fields[$0] } ?? "\(split.rawValue)-\(row.line)",
                                  text: fields[layout.text], textField: "text in column \(layout.text + 1)",
                                  pair: layout.pair.map { (fields[$0], "second text in column \($0 + 1)") },
                                  label: label, line: row.line, subset: subset)
    }
}
