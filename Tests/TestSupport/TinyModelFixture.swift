import Foundation

/// The tiny HF model folder the command tests fine-tune (Tests/BERTTests/Fixtures/hf-tiny) and sentences of its
/// vocabulary's plain words.
public enum TinyModelFixture {
    /// The model folder.
    public static var folder: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("BERTTests/Fixtures/hf-tiny").path
    }

    /// The vocabulary's entries made of letters only, in file order.
    public static func words() throws -> [String] {
        try String(contentsOfFile: folder + "/vocab.txt", encoding: .utf8).split(separator: "\n")
            .map(String.init).filter { $0.allSatisfy(\.isLetter) }
    }

    /// Sentence `index`: `length` of `words`, picked with strides so that sentences differ.
    public static func sentence(_ index: Int, of words: [String], length: Int) -> String {
        (0..<length).map { words[(index * 7 + $0 * 13) % words.count] }.joined(separator: " ")
    }
}
