import Foundation

/// Training progress on standard error: a redrawn bar on a terminal, plain lines every `logEvery` steps
/// otherwise (logs, CI).
final class ProgressReporter {
    private let total: Int
    private let logEvery: Int
    private let isTerminal: Bool
    private let start = Date()
    private var startStep = 0

    init(total: Int, logEvery: Int, startStep: Int) {
        self.total = total
        self.logEvery = logEvery
        self.startStep = startStep
        isTerminal = isatty(STDERR_FILENO) == 1
    }

    /// `metrics` (the head's step metrics, e.g. mlm_accuracy) follow the loss, sorted by name.
    /// `throughput` is the step's: examples and real tokens per second, and its padding share.
    func update(step: Int, loss: Double, learningRate: Float, throughput: Throughput, metrics: [String: Double] = [:]) {
        let done = step - startStep
        let elapsed = Date().timeIntervalSince(start)
        let eta = done > 0 ? elapsed / Double(done) * Double(total - step) : 0
        let extra = metrics.sorted { $0.key < $1.key }.map { String(format: "  %@ %.3f", $0.key, $0.value) }.joined()
        let stats = String(format: "loss %.4f%@  lr %.2e  %.1f samples/s  %.0f tok/s  pad %.0f%%  ETA %@", loss, extra,
                           learningRate, throughput.samplesPerSecond, throughput.tokensPerSecond,
                           throughput.paddingFraction * 100, Self.duration(eta))
        if isTerminal {
            let width = 30, filled = total > 0 ? width * step / total : width
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            write("\r\u{1B}[2K\(bar) \(step)/\(total)  \(stats)")
            if step == total { write("\n") }
        } else if step % logEvery == 0 || step == total || step == startStep + 1 {
            write("step \(step)/\(total)  \(stats)\n")
        }
    }

    /// A line that must not be overwritten by the bar (evaluation results, checkpoints).
    func note(_ text: String) {
        write((isTerminal ? "\r\u{1B}[2K" : "") + text + "\n")
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(String(format: "%02d", s % 3600 / 60))m" : s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
    }
}
