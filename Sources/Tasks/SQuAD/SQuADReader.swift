/// Reads a SQuAD JSON file into paragraphs and examples, as `run_squad.py`'s `read_squad_examples` does.
struct SQuADReader {
    let path: String
    let version: SQuADVersion
    let isTraining: Bool
    private(set) var paragraphs: [SQuADParagraph] = []
    private(set) var examples: [SQuADExample] = []
    private(set) var warnings: [DataWarning] = []
    private var seenIDs: Set<String> = []

    /// Reads `path`. `version` `nil` detects it from the file.
    ///
    /// Training examples need exactly one answer unless they are unanswerable (SQuAD 2.0). An answer whose text
    /// is not found within the words its `answer_start` and length cover — or that lies outside the context — is
    /// a warning naming the question; training skips the question, evaluation keeps it (only the text is
    /// scored).
    ///
    /// - Throws: ``TaskDataError/malformedJSON(path:location:reason:)``, ``TaskDataError/emptyFile(path:)``,
    ///   ``TaskDataError/invalidQuestion(path:questionID:reason:)`` for a duplicate id or a training question
    ///   without exactly one answer.
    init(path: String, version: SQuADVersion?, isTraining: Bool) throws {
        let file = try SQuADJSON.read(path: path)
        self.path = path
        self.version = version ?? SQuADVersion.detect(file)
        self.isTraining = isTraining
        for article in file.data {
            for paragraph in article.paragraphs {
                let parsed = SQuADParagraph(context: paragraph.context)
                paragraphs.append(parsed)
                for question in paragraph.qas { try add(question, paragraph: parsed, index: paragraphs.count - 1) }
            }
        }
        guard !examples.isEmpty else {
            guard let first = warnings.first else { throw TaskDataError.emptyFile(path: path) }
            throw TaskDataError.everyExampleSkipped(path: path, count: warnings.count, first: "\(first.location): \(first.message)")
        }
    }

    private mutating func add(_ question: SQuADJSON.Question, paragraph: SQuADParagraph, index: Int) throws {
        guard seenIDs.insert(question.id).inserted else {
            throw TaskDataError.invalidQuestion(path: path, questionID: question.id, reason: "the id is used by an earlier question")
        }
        let answers = (question.answers ?? []).map { SQuADAnswer(text: $0.text, start: $0.answerStart) }
        let impossible = version == .v2_0 && (question.isImpossible ?? false)
        var example = SQuADExample(id: question.id, question: question.question, paragraph: index, answers: answers,
                                   isImpossible: impossible, answerWords: nil, answerText: nil)
        if isTraining, !impossible {
            guard answers.count == 1, let answer = answers.first else {
                throw TaskDataError.invalidQuestion(path: path, questionID: question.id,
                                                    reason: "a training question needs exactly one answer, it has \(answers.count)")
            }
            guard let words = locate(answer, in: paragraph, questionID: question.id) else { return }
            example.answerWords = words
            example.answerText = answer.text
        } else if !impossible {
            for answer in answers { _ = locate(answer, in: paragraph, questionID: question.id) }
        }
        examples.append(example)
    }

    /// The words an answer covers, or `nil` (with a warning) when its text is not found there.
    private mutating func locate(_ answer: SQuADAnswer, in paragraph: SQuADParagraph, questionID: String) -> WordSpan? {
        let length = answer.text.unicodeScalars.count
        let last = answer.start + length - 1
        let action = isTraining ? "the question is skipped for training" : "kept: only the answer text is scored"
        guard length > 0, answer.start >= 0, last < paragraph.characterWords.count else {
            warn(questionID, "answer '\(answer.text)' at answer_start \(answer.start) lies outside the context "
                 + "(\(paragraph.characterWords.count) characters); \(action)")
            return nil
        }
        let span = WordSpan(start: paragraph.characterWords[answer.start], end: paragraph.characterWords[last])
        let isValid = span.start >= 0 && span.start <= span.end && span.end < paragraph.words.count
        let covered = isValid ? paragraph.words[span.start...span.end].joined(separator: " ") : ""
        let cleaned = PythonText.collapseWhitespace(answer.text)
        guard isValid, ScalarText.find(Array(cleaned.unicodeScalars), in: Array(covered.unicodeScalars)) != nil else {
            warn(questionID, "answer '\(Self.visible(answer.text))' is not at answer_start \(answer.start): the words there, "
                 + "'\(Self.visible(covered))', do not contain it with its whitespace collapsed; \(action)")
            return nil
        }
        return span
    }

    private mutating func warn(_ questionID: String, _ message: String) {
        warnings.append(DataWarning(path: path, location: .question(questionID), message: message))
    }

    /// The text with whitespace other than U+0020 written as `\u{…}`, so that messages show it.
    static func visible(_ text: String) -> String {
        text.unicodeScalars.map { $0 != " " && PythonText.isSpace($0) ? "\\u{\(String($0.value, radix: 16, uppercase: true))}" : String($0) }
            .joined()
    }
}
