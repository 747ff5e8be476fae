/// The checks every text-classification row goes through, whatever its file format: non-empty texts, a label
/// from the label list (or a finite number for regression), a multi-label row's labels from the list.
struct ExampleChecks {
    let path: String
    /// The allowed labels; `nil` accepts any (while discovering labels from a training file).
    let labels: [String]?
    let isRegression: Bool
    /// Whether examples must carry a label.
    let requiresLabel: Bool

    /// A checked example, or the error that names what is wrong with the row.
    /// `labelSet` is a multi-label row's labels (then `label` is nil).
    func example(id: String, text: String, textField: String, pair: (text: String, field: String)?, label: String?,
                 labelSet: [String]? = nil, line: Int, subset: String?) throws -> TextExample {
        guard !PythonText.split(text).isEmpty else {
            throw TaskDataError.emptyText(path: path, line: line, field: textField)
        }
        if let pair, PythonText.split(pair.text).isEmpty {
            throw TaskDataError.emptyText(path: path, line: line, field: pair.field)
        }
        if requiresLabel, let labelSet {
            if let labels, let unknown = labelSet.first(where: { !labels.contains($0) }) {
                throw TaskDataError.unknownLabel(path: path, line: line, label: unknown, known: labels)
            }
        } else if requiresLabel {
            guard let label else {
                throw TaskDataError.malformedRow(path: path, line: line, reason: "the row has no label")
            }
            if isRegression {
                guard let value = Double(label), value.isFinite else {
                    throw TaskDataError.malformedRow(path: path, line: line, reason: "the score '\(label)' is not a number")
                }
            } else if let labels, !labels.contains(label) {
                throw TaskDataError.unknownLabel(path: path, line: line, label: label, known: labels)
            }
        }
        return TextExample(id: id, text: text, textPair: pair?.text, label: requiresLabel ? label : nil,
                           labelSet: requiresLabel ? labelSet : nil, line: line, path: path, subset: subset)
    }
}
