import ArgumentParser
import BERT
import Compute
import Files
import Foundation
import Tasks

/// `bert embed`: one sentence vector per input text, pooled and normalised as the model folder declares.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Sentence embeddings with the model's own pooling (sentence-transformers' modules.json): .npy, .safetensors or .jsonl.")

    @Option(name: .long, help: "Model folder (a sentence-transformers folder such as all-MiniLM-L6-v2, or any BERT folder).")
    var model: String

    @Option(name: .long, help: "Input: one text per line (empty lines are texts too), or a TSV/CSV/JSONL file with --text-column.")
    var input: String

    @Option(name: .long, help: "Output file: .npy, .safetensors (tensor \"embeddings\") or .jsonl; rows in input order.")
    var output: String

    @Option(name: .long, help: "The text column of a TSV/CSV/JSONL input (name or 0-based index; the format from the extension).")
    var textColumn: String?

    @Option(name: .long, help: "cls, mean, max or mean-sqrt-len (default: the model's 1_Pooling/config.json, else mean).")
    var pooling: SentencePooling.Mode?

    @Flag(name: .long, inversion: .prefixedNo, help: "Scale vectors to unit length (default: as modules.json says).")
    var normalize: Bool?

    @Option(name: .long, parsing: .unconditional,
            help: "Tokens per text, [CLS]/[SEP] included; longer texts are truncated (default: sentence_bert_config.json's max_seq_length, else the model's positions up to 512).")
    var maxSeqLength: Int?

    @Option(name: .long, parsing: .unconditional, help: "Texts per forward pass (batches are formed longest first).")
    var batchSize: Int = 32

    @OptionGroup var deviceArguments: DeviceArguments

    func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
        guard EmbeddingFile.Format(path: output) != nil else {
            throw ValidationError("--output \(output): the extension must be .npy, .safetensors or .jsonl")
        }
    }

    func run() throws {
        let start = Date()
        let texts = try readTexts()
        let (declared, isDeclared) = try SentencePooling.of(model: model)
        var choice = declared
        if let pooling { choice.mode = pooling }
        if let normalize { choice.normalize = normalize }
        printError("pooling: \(choice.mode.rawValue)\(choice.normalize ? ", normalized" : "") ("
                   + (isDeclared ? "the model's modules.json" : "\(model) declares none (no modules.json): mean") + (pooling != nil || normalize != nil ? ", as given" : "") + ")")
        let length = try maxSeqLength ?? defaultLength()
        let device = try deviceArguments.open(fits: try inferenceFit(folder: model, head: .none, batch: batchSize, sequence: length))
        let embedder = try SentenceEmbedder(model: model, device: device,
                                            options: .init(maxSequenceLength: length, batchSize: batchSize, pooling: choice))
        let embedStart = Date()
        var nextReport = 0.0
        let embeddings = try embedder.embed(texts) { done in
            let elapsed = Date().timeIntervalSince(embedStart)
            guard elapsed >= nextReport || done == texts.count, texts.count > 10 * batchSize else { return }
            nextReport = elapsed + 10
            printError(String(format: "embedded %d/%d texts (%.0f texts/s)", done, texts.count, Double(done) / max(elapsed, 1e-9)))
        }
        if embeddings.truncatedTexts > 0 {
            printError("note: \(embeddings.truncatedTexts) of \(texts.count) texts are longer than --max-seq-length \(length) and were truncated")
        }
        try EmbeddingFile.write(embeddings, to: output, format: EmbeddingFile.Format(path: output) ?? .npy)
        let seconds = Date().timeIntervalSince(start)
        printError(String(format: "wrote %d × %d embeddings to %@ in %.1f s (%.1f texts/s, model load included)", embeddings.count,
                          embeddings.dimension, output, seconds, Double(texts.count) / max(seconds, 1e-9)))
    }

    /// The texts: every line of a plain file (a final newline ends the last line, it does not add an empty text), or
    /// the --text-column of a TSV/CSV/JSONL file.
    private func readTexts() throws -> [String] {
        let texts: [String]
        if let textColumn {
            guard let kind = TextFileFormat.Kind(path: input) else {
                throw ValidationError("--text-column needs a .tsv, .csv or .jsonl --input, got \(input)")
            }
            texts = try TextFileData.texts(path: input, format: TextFileFormat(kind: kind, textColumn: .init(textColumn)))
        } else {
            let data: [UInt8]
            do {
                data = try InputFile.readText(input)
            } catch let error as InputFileError {
                throw ValidationError("--input \(error)")
            }
            var lines = String(decoding: data, as: UTF8.self).split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
                .map(String.init)
            if lines.last == "" { lines.removeLast() }
            texts = lines
        }
        guard !texts.isEmpty else { throw ValidationError("--input \(input) holds no text") }
        return texts
    }

    /// sentence-transformers' max_seq_length from sentence_bert_config.json, else the model's positions (at most 512).
    private func defaultLength() throws -> Int {
        let path = model + "/sentence_bert_config.json"
        if let data = FileManager.default.contents(atPath: path) {
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw ValidationError("\(path) is not a JSON object")
            }
            if let value = object["max_seq_length"] {
                guard let length = value as? Int, length >= 3 else {
                    throw ValidationError("\(path): max_seq_length must be an integer of at least 3, got \(value)")
                }
                return length
            }
        }
        return min(512, try Checkpoint.open(model).requireConfig().maxPositionEmbeddings)
    }
}

extension SentencePooling.Mode: ExpressibleByArgument {}
