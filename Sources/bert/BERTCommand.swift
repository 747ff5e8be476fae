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
                      ExtractFeaturesCommand.self, EmbedCommand.self, TokenizeCommand.self, InspectCommand.self, ConvertCommand.self,
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
            exit(reporting: PlainError(error) ?? error)
        }
    }
}

extension BERTMain {
    /// Ends the process for `error`: help and version go out as ArgumentParser writes them; every error is one
    /// `Error:` line, and a usage error (a bad or missing flag) one more line saying where the flags are listed,
    /// instead of the command's whole usage text.
    static func exit(reporting error: any Error) -> Never {
        let code = BERTCommand.exitCode(for: error)
        let message = BERTCommand.message(for: error)
        guard code != .success, !message.isEmpty else { BERTCommand.exit(withError: error) }
        var text = "Error: " + message.trimmingCharacters(in: .whitespacesAndNewlines) + "\n"
        if BERTCommand.fullMessage(for: error).contains("Usage: ") {
            text += "See '\(commandPath()) --help' for its flags.\n"
        }
        FileHandle.standardError.write(Data(text.utf8))
        Foundation.exit(code.rawValue)
    }

    /// `bert` and the subcommand names given on the command line (`bert finetune classify`).
    private static func commandPath() -> String {
        var command: any ParsableCommand.Type = BERTCommand.self
        var path = ["bert"]
        for argument in CommandLine.arguments.dropFirst() {
            guard let next = command.configuration.subcommands.first(where: { $0._commandName == argument }) else { break }
            command = next
            path.append(argument)
        }
        return path.joined(separator: " ")
    }
}
