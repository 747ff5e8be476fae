/// Reads CoNLL column files (CoNLL-2003 style): one word per line with its tag in the last column, a blank line
/// after each sentence, `-DOCSTART-` lines between documents.
enum CoNLLReader {
    /// The sentences of `path`.
    ///
    /// Columns are separated by any whitespace. With `labelled`, every word line needs at least two columns and its
    /// last column must be `O`, `B-<type>` or `I-<type>` (IOB1 or IOB2); without, only the first column is read.
    /// A `-DOCSTART-` line ends the sentence before it and is skipped.
    ///
    /// - Throws: ``TaskDataError/malformedRow(path:line:reason:)`` for a bad line (under ``BadRowPolicy/skip`` its
    ///   sentence is skipped with a warning instead), ``TaskDataError/emptyFile(path:)`` when no sentence remains.
    static func read(path: String, labelled: Bool, policy: BadRowPolicy) throws -> (sentences: [NERSentence], warnings: [DataWarning]) {
        var log = WarningLog(policy: policy)
        var sentences: [NERSentence] = []
        var words: [String] = [], tags: [String] = [], firstLine = 0
        var problem: TaskDataError?, problemLine = 0

        func finishSentence() throws {
            defer { words.removeAll(); tags.removeAll(); problem = nil }
            if let problem {
                try log.reject(problem, path: path, line: problemLine)
            } else if !words.isEmpty {
                sentences.append(NERSentence(words: words, tags: labelled ? tags : nil, line: firstLine, path: path))
            }
        }

        for line in TextFile.lines(try TextFile.bytes(at: path)) {
            let columns = PythonText.split(line.text)
            guard let word = columns.first, word != "-DOCSTART-" else {
                try finishSentence()
                continue
            }
            if words.isEmpty { firstLine = line.number }
            words.append(word)
            guard labelled, problem == nil else { continue }
            guard columns.count >= 2, let tag = columns.last else {
                problem = .malformedRow(path: path, line: line.number, reason: "expected a word and its tag, found one column")
                problemLine = line.number
                continue
            }
            guard EntityTags.isValidIOB(tag) else {
                problem = .malformedRow(path: path, line: line.number, reason: "the tag '\(tag)' is not O, B-<type> or I-<type>")
                problemLine = line.number
                continue
            }
            tags.append(tag)
        }
        try finishSentence()
        guard !sentences.isEmpty else { throw TaskDataError.emptyFile(path: path) }
        return (sentences, log.warnings)
    }
}
