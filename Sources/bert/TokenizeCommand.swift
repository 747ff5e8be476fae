import ArgumentParser
import Files
import Foundation
import Tokenizer

/// `bert tokenize`: WordPiece tokens of each input line as JSON, or the tokenizer's throughput.
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Tokenize lines (\"A ||| B\" is a pair) into JSON: tokens, ids, segment ids.",
        discussion: """
            Reads standard input or --input, one text per line; a line "A ||| B" is a pair. Writes one JSON object \
            per line: {"tokens": [...], "ids": [...], "segment_ids": [...]} with [CLS] and [SEP]. Invalid UTF-8 is \
            dropped, as Google's tokenizer does. --benchmark instead times tokenization of every line of --input \
            (single thread, one line at a time, no [CLS]/[SEP]) and prints tokens per second.
            """)

    @Option(name: .long, help: "HuggingFace model directory (vocab.txt, tokenizer_config.json).")
    var model: String?

    @Option(name: .long, help: "A bare vocabulary file, one token per line (Google checkpoints).")
    var vocab: String?

    @Flag(name: .long, help: "With --vocab: a cased model (no lower-casing, accents kept).")
    var cased = false

    @Option(name: .long, help: "Reference to reproduce: huggingface or google (default: huggingface with --model, google with --vocab).")
    var compatibility: String?

    @Option(name: .long, help: "Read lines from this file instead of standard input.")
    var input: String?

    @Option(name: .long, parsing: .unconditional, help: "Truncate to this many tokens, [CLS] and [SEP] included (pairs as Google's _truncate_seq_pair).")
    var maxSeqLength: Int?

    @Flag(name: .long, help: "Also write each token's span in its text, in Unicode scalars (null for [CLS]/[SEP]).")
    var offsets = false

    @Flag(name: .long, help: "Time tokenization of every line of --input instead of printing tokens.")
    var benchmark = false

    @Option(name: .long, parsing: .unconditional, help: "With --benchmark: timed passes over the corpus (the median is reported).")
    var repetitions: Int = 5

    func validate() throws {
        guard (model == nil) != (vocab == nil) else { throw ValidationError("give exactly one of --model DIR and --vocab FILE") }
        if cased, model != nil { throw ValidationError("--cased goes with --vocab; a model directory says whether it is cased") }
        if let compatibility, parsedCompatibility == nil {
            throw ValidationError("--compatibility must be huggingface or google, got '\(compatibility)'")
        }
        if let maxSeqLength, maxSeqLength < 3 { throw ValidationError("--max-seq-length must be at least 3, got \(maxSeqLength)") }
        if benchmark, input == nil { throw ValidationError("--benchmark needs --input FILE (the corpus)") }
        if repetitions < 1 { throw ValidationError("--repetitions must be at least 1, got \(repetitions)") }
    }

    private var parsedCompatibility: TokenizerConfiguration.Compatibility? {
        switch compatibility?.lowercased() {
        case nil: return model != nil ? .huggingFace : .google
        case "huggingface", "hf": return .huggingFace
        case "google": return .google
        default: return nil
        }
    }

    func run() throws {
        let compatibility = parsedCompatibility ?? .google
        let tokenizer: WordPieceTokenizer
        if let model {
            tokenizer = try WordPieceTokenizer(modelDirectory: model)
        } else {
            tokenizer = try WordPieceTokenizer(vocabularyFile: vocab ?? "", lowercase: !cased, compatibility: compatibility)
        }
        let lines = try readLines()
        if benchmark {
            let result = try TokenizerBenchmark(tokenizer: tokenizer, repetitions: repetitions).run(on: lines.filter { !$0.isEmpty })
            print(String(format: "%d lines, %d tokens, %.2f MB: median %.4f s of %d → %.0f tokens/s (%.1f MB/s), single thread",
                         result.texts, result.tokens, Double(result.bytes) / 1e6, result.medianSeconds, repetitions,
                         result.tokensPerSecond, result.megabytesPerSecond))
            return
        }
        let options = try EncodingOptions(maxLength: maxSeqLength)
        var out = ""
        for line in lines {
            let parts = line.components(separatedBy: "|||")
            let first = parts[0]
            let second = parts.count > 1 ? parts.dropFirst().joined(separator: "|||") : nil
            let encoding = tokenizer.encode(first, second, options: options)
            out += try TokenizeJSON.line(encoding, tokens: tokenizer.tokens(encoding.ids), withOffsets: offsets)
            out += "\n"
            if out.utf8.count > 1 << 16 {
                FileHandle.standardOutput.write(Data(out.utf8))
                out = ""
            }
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }

    /// The input's lines, with invalid UTF-8 replaced (and so dropped by the tokenizer).
    private func readLines() throws -> [String] {
        let data: Data
        if let input {
            do {
                data = Data(try InputFile.readText(input))
            } catch let error as InputFileError {
                throw TokenizerError.unreadableFile(path: input, reason: "--input " + error.reason)
            }
        } else {
            data = FileHandle.standardInput.readDataToEndOfFile()
        }
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .map { WordPieceTokenizer.decodeUTF8($0) }
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }
}

/// The JSON line `bert tokenize` writes for one input.
enum TokenizeJSON {
    static func line(_ encoding: Encoding, tokens: [String], withOffsets: Bool) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        var json = "{\"tokens\": " + String(decoding: try encoder.encode(tokens), as: UTF8.self) + ", \"ids\": ["
        json += encoding.ids.map(String.init).joined(separator: ", ") + "], \"segment_ids\": ["
        json += encoding.segmentIDs.map(String.init).joined(separator: ", ") + "]"
        if withOffsets {
            json += ", \"offsets\": [" + encoding.offsets.map { span in
                span.map { "[\($0.scalarStart), \($0.scalarEnd)]" } ?? "null"
            }.joined(separator: ", ") + "]"
        }
        return json + "}"
    }
}
