/// The order of the training stream: position p of the stream is feature `self[p]`. Epoch e = p / count is a
/// seeded shuffle of all features (`EpochOrder`), and the stream runs through epochs without a break (TF's
/// repeat + batch, drop remainder). With length grouping (HF Trainer's `group_by_length`) each epoch's shuffle
/// is cut into megabatches of `megabatchSize` positions and each megabatch is sorted by feature length, longest
/// first (ties keep their shuffled order), so each batch holds similar lengths and runs at its own short length
/// while the batches still come from a shuffle.
///
/// Everything follows from (seed, epoch, position): every rank of a data-parallel run derives the same order, and
/// a resumed run (which restores the stream position) continues it exactly.
struct TrainingOrder {
    let count: Int
    let seed: UInt64
    /// Positions per sorted megabatch; nil = no length grouping.
    let megabatchSize: Int?
    private var epoch: (index: Int, order: EpochOrder)?
    private var megabatch: (epoch: Int, index: Int, features: [Int])?

    /// HF's rule: megabatches of 50 batches, fewer (at least one) when the data holds under 200 batches.
    static func megabatchSize(batchSize: Int, count: Int) -> Int {
        max(1, min(count / max(batchSize * 4, 1), 50)) * batchSize
    }

    init(count: Int, seed: UInt64, groupedBatchSize: Int?) {
        self.count = count
        self.seed = seed
        megabatchSize = groupedBatchSize.map { Self.megabatchSize(batchSize: $0, count: count) }
    }

    /// The feature at stream position `position`; `length(i)` gives feature i's sequence length (read only for
    /// the megabatch being sorted).
    mutating func feature(at position: Int, length: (Int) throws -> Int) rethrows -> Int {
        let e = position / count, p = position % count
        if epoch?.index != e {
            epoch = (e, EpochOrder(count: count, seed: seed &+ UInt64(e) &* 0x9E37_79B9_7F4A_7C15))
        }
        let order = epoch!.order
        guard let size = megabatchSize else { return order[p] }
        let k = p / size
        if megabatch?.epoch != e || megabatch?.index != k {
            let members = (k * size..<min((k + 1) * size, count)).map { order[$0] }
            megabatch = (e, k, longestFirst(try members.map(length)).map { members[$0] })
        }
        return megabatch!.features[p - k * size]
    }
}
