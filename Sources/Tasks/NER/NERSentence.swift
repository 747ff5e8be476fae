/// One sentence of a CoNLL file: its words and, in labelled files, one tag per word.
public struct NERSentence: Sendable, Equatable {
    /// The words (the first column).
    public var words: [String]
    /// The tags (the last column) as written; `nil` for unlabelled input.
    public var tags: [String]?
    /// The line of the first word (word `i` is on line `line + i`).
    public var line: Int
    /// The file.
    public var path: String

    public init(words: [String], tags: [String]?, line: Int, path: String) {
        self.words = words
        self.tags = tags
        self.line = line
        self.path = path
    }
}
