import Compute

/// The order in which one epoch visits `count` features, from a seed: a stored Fisher–Yates shuffle for data
/// sets up to `storedLimit` features (fine-tuning sets; 8 bytes each), and beyond that a seeded bijection that
/// stores nothing (pre-training corpora of any size: a 4-round Feistel network over the smallest even power of
/// two covering `count`, walking out-of-range values back into range — at most 4 evaluations on average).
enum EpochOrder {
    case stored([Int])
    case feistel(FeistelPermutation)

    /// Features above which the order is computed, not stored (32 MiB of indices).
    static let storedLimit = 1 << 22

    init(count: Int, seed: UInt64) {
        var random = SplitMix64(seed: seed)
        if count <= Self.storedLimit {
            var order = Array(0..<count)
            for i in stride(from: count - 1, to: 0, by: -1) { order.swapAt(i, Int(random.next() % UInt64(i + 1))) }
            self = .stored(order)
        } else {
            self = .feistel(FeistelPermutation(count: count, random: &random))
        }
    }

    /// The feature visited at `position` (0 ..< count).
    subscript(position: Int) -> Int {
        switch self {
        case .stored(let order): return order[position]
        case .feistel(let permutation): return permutation[position]
        }
    }
}

/// A keyed bijection of 0 ..< count (see `EpochOrder`).
struct FeistelPermutation {
    let count: Int
    let halfBits: Int
    let keys: [UInt64]

    init(count: Int, random: inout SplitMix64) {
        self.count = count
        var bits = 2
        while (1 << bits) < count { bits += 2 }
        halfBits = bits / 2
        keys = (0..<4).map { _ in random.next() }
    }

    subscript(position: Int) -> Int {
        var x = UInt64(position)
        repeat { x = encrypt(x) } while x >= UInt64(count)
        return Int(x)
    }

    private func encrypt(_ x: UInt64) -> UInt64 {
        let mask = (UInt64(1) << halfBits) - 1
        var left = x >> halfBits, right = x & mask
        for key in keys {
            (left, right) = (right, left ^ (Self.mix(right ^ key) & mask))
        }
        return left << halfBits | right
    }

    /// SplitMix64's finalizer: a strong 64-bit mix.
    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
