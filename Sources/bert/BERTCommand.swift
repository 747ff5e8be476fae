import ArgumentParser
import Foundation
import Logging

/// `bert`: BERT tokenization, fine-tuning, pre-training and inference on OpenCL devices or the CPU.
struct BERTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bert",
        abstract: "BERT on any OpenCL device or the CPU: fine-tune, pre-train, extract features.",
        subcommands: [DemoCommand.self, FinetuneCommand.self, PredictCommand.self, EvaluateCommand.self,
                      CreatePretrainingDataCommand.self, PretrainCommand.self,
                      ExtractFeaturesCommand.self, TokenizeCommand.self, InspectCommand.self, ConvertCommand.self,
                      PlanCommand.self, DevicesCommand.self, SelfCheckCommand.self, BenchCommand.self])
}

@main
enum BERTMain {
    static func main() {
        // Diagnostics go to standard error; SWIFTBERT_LOG_LEVEL (trace … critical) changes the level.
        let level = ProcessInfo.processInfo.environment["SWIFTBERT_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        do {
            var command = try BERTCommand.parseAsRoot()
            try command.run()
        } catch {
            BERTCommand.exit(withError: PlainError(error) ?? error)
        }
    }
}
