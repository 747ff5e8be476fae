import Foundation

/// The official SQuAD JSON layout: `data` → articles → `paragraphs` → `context` and `qas` → `id`, `question`,
/// `answers` (`text`, `answer_start`), and in SQuAD 2.0 `is_impossible`.
struct SQuADJSON: Decodable {
    struct Article: Decodable {
        let paragraphs: [Paragraph]
    }

    struct Paragraph: Decodable {
        let context: String
        let qas: [Question]
    }

    struct Question: Decodable {
        let id: String
        let question: String
        /// Absent in test files.
        let answers: [Answer]?
        /// Absent in SQuAD 1.1.
        let isImpossible: Bool?

        enum CodingKeys: String, CodingKey {
            case id, question, answers
            case isImpossible = "is_impossible"
        }
    }

    struct Answer: Decodable {
        let text: String
        /// In Unicode scalars (Python string indices) from the start of the context.
        let answerStart: Int

        enum CodingKeys: String, CodingKey {
            case text
            case answerStart = "answer_start"
        }
    }

    let version: String?
    let data: [Article]

    /// Reads and decodes `path` (errors name the field or the line and column).
    static func read(path: String) throws -> SQuADJSON {
        try JSONErrors.decode(SQuADJSON.self, path: path)
    }

}

/// The two SQuAD versions: 2.0 adds unanswerable questions.
public enum SQuADVersion: String, Sendable, Equatable, CaseIterable {
    case v1_1 = "1.1"
    case v2_0 = "2.0"

    /// The version a file declares (`"version": "1.1"` or `"v2.0"`); failing that, 2.0 when any question has
    /// `is_impossible`, else 1.1.
    static func detect(_ file: SQuADJSON) -> SQuADVersion {
        switch file.version?.trimmingCharacters(in: .whitespaces).lowercased() {
        case "1.1"?, "v1.1"?: return .v1_1
        case "2.0"?, "v2.0"?: return .v2_0
        default:
            let impossible = file.data.contains { $0.paragraphs.contains { $0.qas.contains { $0.isImpossible != nil } } }
            return impossible ? .v2_0 : .v1_1
        }
    }
}
