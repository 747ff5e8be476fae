/// One sentence or sentence pair with its label, as read from a data file.
public struct TextExample: Sendable, Equatable {
    /// The example's id: the file's id column when it has one, else `<split>-<line>`.
    public var id: String
    /// The first (or only) text.
    public var text: String
    /// The second text of a pair task.
    public var textPair: String?
    /// The label as written in the file (a class name, or a number for regression); `nil` when unlabelled.
    public var label: String?
    /// Multi-label classification: the example's labels (possibly none); `nil` when unlabelled.
    public var labelSet: [String]?
    /// The line the example starts on (from 1).
    public var line: Int
    /// The file the example came from.
    public var path: String
    /// Which part of a split the example belongs to when a split has several files (MNLI's `matched` and
    /// `mismatched` dev sets); `nil` otherwise.
    public var subset: String?

    public init(id: String, text: String, textPair: String? = nil, label: String? = nil, labelSet: [String]? = nil,
                line: Int, path: String, subset: String? = nil) {
        self.labelSet = labelSet
        self.id = id
        self.text = text
        self.textPair = textPair
        self.label = label
        self.line = line
        self.path = path
        self.subset = subset
    }
}
