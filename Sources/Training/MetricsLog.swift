import BERT
import Compute
import Foundation

/// `metrics.jsonl` (one JSON object per training step or evaluation) and `training.svg` (loss and the primary
/// evaluation metric against steps), both in the output folder. The JSONL is appended and flushed line by
/// line; on resume, lines after the resumed step are dropped so the file continues seamlessly.
final class MetricsLog {
    let path: String
    let plotPath: String
    private var losses: [(step: Int, loss: Double)] = []
    private var evaluations: [(step: Int, metrics: [String: Double])] = []
    private var primaryMetric: String?
    private var bestStep: Int?

    init(directory: String, resumedStep: Int?) throws {
        path = directory + "/metrics.jsonl"
        plotPath = directory + "/training.svg"
        var kept: [String] = []
        if let resumedStep, let text = try? String(contentsOfFile: path, encoding: .utf8) {
            for line in text.split(separator: "\n") {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let step = object["step"] as? Int, step <= resumedStep else { continue }
                kept.append(String(line))
                if let loss = object["loss"] as? Double { losses.append((step, loss)) }
                if let eval = object["eval"] as? [String: Double] { evaluations.append((step, eval)) }
                if object["best"] != nil { bestStep = step }
            }
        }
        try AtomicFile.write(Data(kept.map { $0 + "\n" }.joined().utf8), to: path)
    }

    func logStep(_ step: Int, epoch: Double, loss: Double, learningRate: Float, gradNorm: Float,
                 throughput: Throughput, devicePeak: Int, metrics: [String: Double] = [:]) throws {
        losses.append((step, loss))
        var object: [String: Any] = ["step": step, "epoch": epoch, "loss": loss, "lr": Double(learningRate),
                                     "grad_norm": Double(gradNorm), "device_memory_peak": devicePeak]
        for (name, value) in throughput.metrics { object[name] = value }
        for (name, value) in metrics { object[name] = value }
        try append(object)
    }

    func logEvaluation(_ step: Int, metrics: [String: Double], primary: String) throws {
        evaluations.append((step, metrics))
        primaryMetric = primary
        try append(["step": step, "eval": metrics])
        try writePlot()
    }

    /// What of the data did not fit, once at the start: `{"step": 0, "truncation": {"train": {…}, "dev": {…}}}`.
    func logData(training: Truncation?, evaluation: Truncation?) throws {
        let counts = [("train", training), ("dev", evaluation)].compactMap { name, value in value.map { (name, $0.json) } }
        guard !counts.isEmpty else { return }
        try append(["step": 0, "truncation": Dictionary(uniqueKeysWithValues: counts)])
    }

    /// A new best: `{"step": s, "best": {"metric": m, "value": v}}`.
    func logBest(_ step: Int, metric: String, value: Double) throws {
        bestStep = step
        try append(["step": step, "best": ["metric": metric, "value": value] as [String: Any]])
    }

    /// Early stopping: `{"step": s, "early_stop": {"reason": …, "best_step": b}}`.
    func logStop(_ step: Int, reason: String, best: BestTracker?) throws {
        var stop: [String: Any] = ["reason": reason]
        if let bestStep = best?.bestStep { stop["best_step"] = bestStep }
        try append(["step": step, "early_stop": stop])
    }

    private func append(_ object: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        try AtomicFile.append(data + Data("\n".utf8), to: path)
    }

    /// Writes the SVG plot atomically; `bestStep` (else the last best logged) is marked.
    func writePlot(bestStep: Int? = nil) throws {
        let metric = primaryMetric ?? evaluations.last?.metrics.keys.sorted().first
        let points = metric.map { name in evaluations.compactMap { e in e.metrics[name].map { (e.step, $0) } } } ?? []
        try AtomicFile.write(Data(LossPlot.svg(losses: losses, metricName: metric, metric: points,
                                               bestStep: bestStep ?? self.bestStep).utf8), to: plotPath)
    }
}

/// A self-contained SVG line chart: training loss (left axis) and an evaluation metric (right axis).
enum LossPlot {
    static func svg(losses: [(step: Int, loss: Double)], metricName: String?, metric: [(Int, Double)], bestStep: Int? = nil) -> String {
        let width = 720.0, height = 360.0, left = 60.0, right = 60.0, top = 30.0, bottom = 40.0
        let plotW = width - left - right, plotH = height - top - bottom
        let maxStep = Double(max(losses.map(\.step).max() ?? 1, metric.map(\.0).max() ?? 1, 1))
        let finiteLosses = losses.map(\.loss).filter(\.isFinite)
        let lossMax = max(finiteLosses.max() ?? 1, 1e-9), lossMin = min(finiteLosses.min() ?? 0, 0)
        let metricValues = metric.map(\.1)
        let metricMin = min(metricValues.min() ?? 0, 0), metricMax = max(metricValues.max() ?? 1, 1e-9)
        func x(_ step: Int) -> Double { left + plotW * Double(step) / maxStep }
        func yLoss(_ v: Double) -> Double { top + plotH * (1 - (v - lossMin) / (lossMax - lossMin)) }
        func yMetric(_ v: Double) -> Double { top + plotH * (1 - (v - metricMin) / (metricMax - metricMin)) }
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <line x1="\(left)" y1="\(top + plotH)" x2="\(left + plotW)" y2="\(top + plotH)" stroke="black"/>
        <line x1="\(left)" y1="\(top)" x2="\(left)" y2="\(top + plotH)" stroke="black"/>
        <text x="\(left + plotW / 2)" y="\(height - 8)" text-anchor="middle">step</text>
        <text x="\(left)" y="\(top - 10)" fill="#1f77b4">training loss (\(String(format: "%.3g", lossMin))–\(String(format: "%.3g", lossMax)))</text>
        <text x="\(left)" y="\(top + plotH + 15)" text-anchor="middle">0</text>
        <text x="\(left + plotW)" y="\(top + plotH + 15)" text-anchor="middle">\(Int(maxStep))</text>

        """
        let lossPoints = losses.filter { $0.loss.isFinite }.map { String(format: "%.1f,%.1f", x($0.step), yLoss($0.loss)) }
        if !lossPoints.isEmpty {
            svg += "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\" points=\"\(lossPoints.joined(separator: " "))\"/>\n"
        }
        if let metricName, !metric.isEmpty {
            svg += "<line x1=\"\(left + plotW)\" y1=\"\(top)\" x2=\"\(left + plotW)\" y2=\"\(top + plotH)\" stroke=\"black\"/>\n"
            svg += "<text x=\"\(left + plotW)\" y=\"\(top - 10)\" text-anchor=\"end\" fill=\"#d62728\">\(escape(metricName)) (\(String(format: "%.3g", metricMin))–\(String(format: "%.3g", metricMax)))</text>\n"
            let points = metric.map { String(format: "%.1f,%.1f", x($0.0), yMetric($0.1)) }
            svg += "<polyline fill=\"none\" stroke=\"#d62728\" stroke-width=\"1.5\" points=\"\(points.joined(separator: " "))\"/>\n"
            if let bestStep {
                // The best evaluation: a dashed vertical line, labelled.
                svg += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#2ca02c\" stroke-dasharray=\"4 3\"/>\n",
                              x(bestStep), top, x(bestStep), top + plotH)
                svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#2ca02c\">best (step %d)</text>\n",
                              x(bestStep), top + 12, bestStep)
            }
            for (step, value) in metric {
                svg += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#d62728\"/>\n", x(step), yMetric(value))
            }
        }
        return svg + "</svg>\n"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
