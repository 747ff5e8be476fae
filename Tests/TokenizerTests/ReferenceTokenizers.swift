import Foundation
import Tokenizer
import XCTest

/// The tokenizers the fixtures were generated for, built the way a user would build them.
enum ReferenceTokenizers {
    /// The four settings of the fixtures, by name.
    static let settingNames = ["hf-uncased", "hf-cased", "google-uncased", "google-cased"]

    /// The model directory copied into the fixtures (all-MiniLM-L6-v2, the bert-base-uncased vocabulary).
    static func modelDirectory() throws -> String { try Fixture.url("minilm-uncased").path }

    /// The real vocabularies: uncased from the model directory, cased derived as the script derives it.
    static func real() throws -> [String: WordPieceTokenizer] {
        let directory = try modelDirectory()
        let uncased = try WordPieceTokenizer(modelDirectory: directory)
        let cased = Vocabulary(tokens: casedTokens(uncased.vocabulary.tokens))
        return [
            "hf-uncased": uncased,
            "hf-cased": try WordPieceTokenizer(vocabulary: cased, configuration: TokenizerConfiguration(compatibility: .huggingFace, lowercase: false)),
            "google-uncased": try WordPieceTokenizer(vocabularyFile: directory + "/vocab.txt", lowercase: true),
            "google-cased": try WordPieceTokenizer(vocabulary: cased, configuration: TokenizerConfiguration(compatibility: .google, lowercase: false)),
        ]
    }

    /// make_tokenizer_fixtures.py's cased_vocab(): the uncased vocabulary, then the Capitalized and UPPER forms of
    /// its all-a-z tokens (UPPER only for "##" pieces), in vocabulary order, skipping forms already present.
    static func casedTokens(_ uncased: [String]) -> [String] {
        var tokens = uncased
        var present = Set(uncased)
        for token in uncased {
            let isPiece = token.hasPrefix("##")
            let base = isPiece ? String(token.dropFirst(2)) : token
            guard !base.isEmpty, base.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) }) else { continue }
            var variants: [String] = []
            if !isPiece { variants.append(base.prefix(1).uppercased() + base.dropFirst()) }
            if base.count >= 2 { variants.append(base.uppercased()) }
            for variant in variants {
                let candidate = (isPiece ? "##" : "") + variant
                if present.insert(candidate).inserted { tokens.append(candidate) }
            }
        }
        return tokens
    }

    /// make_tokenizer_fixtures.py's synthetic_vocab(): the special tokens, every code point but \n and \r, then
    /// "##" + each of them.
    static func synthetic(codePoints: [Unicode.Scalar]) throws -> [String: WordPieceTokenizer] {
        let characters = codePoints.filter { $0 != "\n" && $0 != "\r" }.map { String($0) }
        let vocabulary = Vocabulary(tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + characters + characters.map { "##" + $0 })
        var tokenizers: [String: WordPieceTokenizer] = [:]
        for name in settingNames {
            let configuration = TokenizerConfiguration(compatibility: name.hasPrefix("hf") ? .huggingFace : .google,
                                                       lowercase: name.hasSuffix("uncased"))
            tokenizers[name] = try WordPieceTokenizer(vocabulary: vocabulary, configuration: configuration)
        }
        return tokenizers
    }
}
