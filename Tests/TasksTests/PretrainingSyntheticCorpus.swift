import Foundation
import Tasks
import Tokenizer

/// A generated corpus for pre-training tests: words `w0` … `w299`, a fifth of them followed by one or two "##"
/// pieces (`w12` + `##q`), in documents of several sentences; deterministic for a seed.
struct PretrainingSyntheticCorpus {
    static let suffixes = ["q", "x", "z"]

    static func tokenizer(withMask: Bool = true) throws -> WordPieceTokenizer {
        var tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"] + (withMask ? ["[MASK]"] : [])
        tokens += (0..<300).map { "w\($0)" } + suffixes.map { "##" + $0 }
        return try WordPieceTokenizer(vocabulary: Vocabulary(tokens: tokens),
                                      configuration: TokenizerConfiguration(compatibility: .google, lowercase: true))
    }

    /// Documents separated by blank lines, one sentence per line.
    static func text(documents: Int, sentences: ClosedRange<Int>, words: ClosedRange<Int>, seed: Int) -> String {
        var rng = PythonRandom(seed: seed)
        var text = ""
        for _ in 0..<documents {
            for _ in 0..<rng.randint(sentences.lowerBound, sentences.upperBound) {
                let sentence = (0..<rng.randint(words.lowerBound, words.upperBound)).map { _ -> String in
                    var word = "w\(rng.randint(0, 299))"
                    if rng.random() < 0.2 {
                        for _ in 0..<rng.randint(1, 2) { word += suffixes[rng.randint(0, suffixes.count - 1)] }
                    }
                    return word
                }
                text += sentence.joined(separator: " ") + "\n"
            }
            text += "\n"
        }
        return text
    }

    /// Writes `text` to a new file and returns its path.
    static func write(_ text: String, in folder: String, name: String = "corpus.txt") throws -> String {
        let path = URL(fileURLWithPath: folder).appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
