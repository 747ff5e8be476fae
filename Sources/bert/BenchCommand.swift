import ArgumentParser
import BERT
import Compute
import Foundation
import Training

/// `bert bench`: encoder throughput (tokens/s) for a model shape on a device.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the encoder's forward (infer) or forward+backward (train) and print tokens/s.")

    @Option(name: .long, help: "tiny, mini, small, medium, base, large, minilm, or a model folder (config.json / bert_config.json).")
    var model: String = "base"

    @Option(name: .long, parsing: .unconditional, help: "Sequences per step.")
    var batchSize: Int = 8

    @Option(name: .long, parsing: .unconditional, help: "Tokens per sequence.")
    var maxSeqLength: Int = 128

    @Option(name: .long, help: "train (forward + backward, dropout on) or infer (forward only).")
    var mode: String = "train"

    @Option(name: .long, parsing: .unconditional, help: "Timed repetitions (the median is reported).")
    var repetitions: Int = 5

    @Option(name: .long, parsing: .unconditional, help: "Untimed warm-up runs.")
    var warmup: Int = 1

    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false

    @Option(name: .long, help: "Training only: none, attention or layer (activation recompute).")
    var recompute: String = "none"

    @Option(name: .long, help: "Training only: fp32 or half (precision of the activations kept for backward).")
    var activations: String = "fp32"

    @OptionGroup var deviceArguments: DeviceArguments

    var policy: ActivationPolicy? {
        ActivationPolicy.Recompute(rawValue: recompute).flatMap { r in
            ActivationPolicy.Storage(rawValue: activations).map { ActivationPolicy(recompute: r, storage: $0) }
        }
    }

    func validate() throws {
        guard ["train", "infer"].contains(mode) else { throw ValidationError("--mode must be train or infer, got '\(mode)'") }
        guard batchSize > 0, maxSeqLength > 0, repetitions > 0, warmup >= 0 else {
            throw ValidationError("--batch-size, --max-seq-length and --repetitions must be positive")
        }
        guard policy != nil else {
            throw ValidationError("--recompute must be none, attention or layer and --activations fp32 or half, got '\(recompute)', '\(activations)'")
        }
    }

    func run() throws {
        let config = try ModelShapes.config(for: model)
        guard maxSeqLength <= config.maxPositionEmbeddings else {
            throw ValidationError("--max-seq-length \(maxSeqLength) exceeds the model's max_position_embeddings \(config.maxPositionEmbeddings)")
        }
        let plannedPeak = { (device: any Device) throws -> Int in
            try MemoryPlan(config: config, head: .none, microBatch: batchSize, sequence: maxSeqLength, training: mode == "train",
                           policy: policy ?? .keepAll, device: device, optimizer: nil).total
        }
        // The plan is exact: a run it does not fit is refused before anything is allocated (and `auto` passes over
        // such a GPU).
        let shortfall = planFit("\(model) \(mode) at batch \(batchSize) × seq \(maxSeqLength)", peak: plannedPeak)
        let device = try deviceArguments.open(fits: shortfall)
        if let why = try shortfall(device) {
            throw ComputeError.runDoesNotFit(why + ": lower --batch-size or --max-seq-length, use --recompute or --activations half, or another device")
        }
        let settings = EncoderBenchmark.Settings(batch: batchSize, sequence: maxSeqLength,
                                                 mode: mode == "train" ? .training : .inference,
                                                 warmup: warmup, repetitions: repetitions, policy: policy ?? .keepAll)
        let result = try EncoderBenchmark(config: config, settings: settings).run(on: device)
        let planned = try plannedPeak(device)
        if json {
            let object: [String: Any] = [
                "model": model, "device": device.info.description, "mode": mode, "batch_size": batchSize,
                "max_seq_length": maxSeqLength, "recompute": recompute, "activations": activations, "tokens_per_second": result.tokensPerSecond,
                "median_seconds": result.medianSeconds, "seconds": result.seconds, "spread": result.spread,
                "peak_device_bytes": result.peakBytes, "planned_peak_bytes": planned, "repetitions": repetitions,
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(String(format: "%@ %@ (%@) batch %d × seq %d on %@: %.1f tokens/s (median %.3f s of %d, spread %.0f%%), peak memory %@ (planned %@)",
                         model, mode, (policy ?? .keepAll).description, batchSize, maxSeqLength, device.info.description, result.tokensPerSecond,
                         result.medianSeconds, repetitions, result.spread * 100, ByteCount.format(result.peakBytes),
                         ByteCount.format(planned)))
        }
    }
}

/// Model shapes by name or folder, for commands that need only the architecture.
enum ModelShapes {
    static func config(for name: String) throws -> BertConfig {
        guard let config = try BertConfig.shape(named: name) else {
            throw ValidationError("--model '\(name)' is neither a named size (\(BertConfig.shapeNames.joined(separator: ", "))) "
                                  + "nor a folder with config.json or bert_config.json")
        }
        return config
    }
}
