import BERT
import Compute
import Foundation

/// Data parallelism: each rank runs a disjoint, contiguous shard of every global batch, the gradient arena is
/// summed over ranks once per optimizer step (host staging: read each chunk, all-reduce, write back — on the CPU
/// backend the reads are memory copies), and the update that follows is identical on every rank.
extension Trainer {
    /// This process's rank (0 without data parallelism).
    var rank: Int { parallel?.rank ?? 0 }
    /// Processes training together (1 without data parallelism).
    var ranks: Int { parallel?.size ?? 1 }
    /// Rank 0 writes checkpoints, metrics, plots and evaluations.
    var isRoot: Bool { rank == 0 }

    /// Positions of this rank's shard within a global batch: r·(B/N) ..< (r+1)·(B/N).
    func shard(ofBatch size: Int) -> Range<Int> {
        let local = size / ranks
        return (rank * local)..<((rank + 1) * local)
    }

    /// Copies rank 0's weights to every rank (after initialization or loading), so all start identical.
    func broadcastWeights() throws {
        guard let parallel, parallel.size > 1 else { return }
        for chunk in parameters.values.chunkViews {
            var values = try device.readFloats(chunk)
            try parallel.broadcast(&values, root: 0)
            if parallel.rank != 0 { try device.write(values, to: chunk) }
        }
    }

    /// Sums the accumulated gradients over all ranks, chunk by chunk of the gradient arena; returns the seconds
    /// spent (staging and communication).
    func allReduceGradients() throws -> Double {
        guard let parallel, parallel.size > 1, let gradients = parameters.gradients else { return 0 }
        let start = Date()
        for chunk in gradients.chunkViews {
            var values = try device.readFloats(chunk)
            try parallel.allReduceSum(&values)
            try device.write(values, to: chunk)
        }
        return Date().timeIntervalSince(start)
    }

    /// Sums host values over all ranks (the identity in a single process).
    func allReduce(_ values: [Double]) throws -> [Double] {
        guard let parallel, parallel.size > 1, !values.isEmpty else { return values }
        var summed = values
        try parallel.allReduceSum(&summed)
        return summed
    }

    /// The head's step metrics over the global batch: its sums added over ranks (as they are in one process).
    func globalStepMetrics() throws -> [String: Double] {
        head.stepMetrics(sums: try allReduce(try head.stepSums()))
    }

    /// Waits for every rank (no-op in a single process).
    func barrier() throws {
        if let parallel, parallel.size > 1 { try parallel.barrier() }
    }
}
