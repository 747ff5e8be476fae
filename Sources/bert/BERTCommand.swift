import ArgumentParser

/// `bert`: BERT tokenization, fine-tuning, pre-training and inference on OpenCL devices or the CPU.
@main
struct BERTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bert",
        abstract: "BERT on any OpenCL device or the CPU: fine-tune, pre-train, extract features.",
        subcommands: [DevicesCommand.self, SelfCheckCommand.self])
}
