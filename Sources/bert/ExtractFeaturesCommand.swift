import ArgumentParser
import BERT
import Compute
import Files
import Foundation
import Training

/// `bert extract-features`: hidden states (or one pooled vector) per input line, as JSONL.
struct ExtractFeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract-features",
        abstract: "Write contextual token features (Google's extract_features.py layout) or sentence vectors as JSONL.")

    @Option(name: .long, help: "Model folder (HF folder, or a Google checkpoint folder).")
    var model: String

    @Option(name: .long, help: "Input text: one text per line, or \"A ||| B\" for a pair.")
    var input: String

    @Option(name: .long, help: "Output JSONL file (written atomically).")
    var output: String

    @Option(name: .long, parsing: .unconditional,
            help: "Comma-separated layers, negative from the last (-1 = last hidden state).")
    var layers: String = "-1,-2,-3,-4"

    @Option(name: .long, parsing: .unconditional, help: "Tokens per input, [CLS]/[SEP] included; longer inputs are truncated.")
    var maxSeqLength: Int = 128

    @Option(name: .long, parsing: .unconditional, help: "Inputs per forward pass.")
    var batchSize: Int = 8

    @Option(name: .long, help: "Write one vector per line instead: cls ([CLS] of the last layer) or mean (masked mean).")
    var pooled: FeatureExtractor.Pooling?

    @OptionGroup var deviceArguments: DeviceArguments

    func run() throws {
        let layerList = try layers.split(separator: ",").map { part -> Int in
            guard let value = Int(part.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--layers must be comma-separated integers, got '\(layers)'")
            }
            return value
        }
        let data: [UInt8]
        do {
            data = try InputFile.readText(input)
        } catch let error as InputFileError {
            throw ValidationError("--input \(error)")
        }
        let text = String(decoding: data, as: UTF8.self)
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
            .enumerated().filter { !$0.element.trimmingCharacters(in: .whitespaces).isEmpty }
        guard !lines.isEmpty else { throw ValidationError("--input \(input) holds no text: every line is blank") }
        let device = try deviceArguments.open(fits: try inferenceFit(folder: model, head: .none, batch: batchSize,
                                                                      sequence: maxSeqLength))
        let extractor = try FeatureExtractor(model: model, device: device,
                                             options: .init(layers: layerList, maxSequenceLength: maxSeqLength,
                                                            batchSize: batchSize, pooling: pooled))
        let writer = try AtomicFileWriter(path: output)
        let start = Date()
        for chunkStart in stride(from: 0, to: lines.count, by: 256) {
            let chunk = Array(lines[chunkStart..<min(chunkStart + 256, lines.count)])
            let results = try extractor.extract(chunk.map(\.element))
            for ((index, _), result) in zip(chunk, results) {
                try writer.write(Self.json(index: index, result: result, layers: layerList) + "\n")
            }
        }
        try writer.commit()
        printError(String(format: "wrote %d lines to %@ in %.1f s", lines.count, output, Date().timeIntervalSince(start)))
    }

    /// Google's layout: {"linex_index": i, "features": [{"token": t, "layers": [{"index": l, "values": [...]}]}]};
    /// with pooling: {"linex_index": i, "embedding": [...]}. Values are rounded to 6 decimals, as Google's.
    static func json(index: Int, result: FeatureExtractor.Result, layers: [Int]) -> String {
        func values(_ v: [Float]) -> String { "[" + v.map { formatted($0) }.joined(separator: ", ") + "]" }
        if let pooled = result.pooled { return "{\"linex_index\": \(index), \"embedding\": \(values(pooled))}" }
        let features = result.tokens.enumerated().map { t, token in
            let layerJSON = zip(layers, result.layers).map { "{\"index\": \($0.0), \"values\": \(values($0.1[t]))}" }
            return "{\"token\": \(jsonString(token)), \"layers\": [\(layerJSON.joined(separator: ", "))]}"
        }
        return "{\"linex_index\": \(index), \"features\": [\(features.joined(separator: ", "))]}"
    }

    static func formatted(_ x: Float) -> String {
        guard x.isFinite else { return "null" }
        var text = String(format: "%.6f", Double(x))
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }

    static func jsonString(_ s: String) -> String {
        let data = try? JSONSerialization.data(withJSONObject: [s], options: [])
        return data.map { String(decoding: $0.dropFirst().dropLast(), as: UTF8.self) } ?? "\"\""
    }
}

extension FeatureExtractor.Pooling: ExpressibleByArgument {}
