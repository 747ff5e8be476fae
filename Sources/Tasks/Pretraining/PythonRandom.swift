/// CPython's `random.Random` for an integer seed, reproduced bit for bit: the Mersenne Twister MT19937 seeded
/// as `random_seed` seeds it (`init_by_array` over the 32-bit words of the seed's magnitude, least significant
/// first), and the methods Google's `create_pretraining_data.py` calls — ``random()``, ``getrandbits(_:)``,
/// ``randbelow(_:)``, ``randint(_:_:)`` and ``shuffle(_:)`` — with CPython 3's algorithms.
///
/// ```swift
/// var rng = PythonRandom(seed: 12345)   // random.Random(12345)
/// let x = rng.random()                  // rng.random()
/// ```
public struct PythonRandom: Sendable {
    private static let n = 624
    private static let m = 397
    private var state: [UInt32]
    private var index: Int

    /// `random.Random(seed)` for an integer seed (its magnitude is used, as CPython does).
    public init(seed: Int) {
        let magnitude = seed.magnitude
        self.init(key: [UInt32(truncatingIfNeeded: magnitude), UInt32(truncatingIfNeeded: magnitude >> 32)])
    }

    /// `random.Random(|seed| + (stream << 64))` (CPython seeds with |seed|) for a non-negative stream: independent, reproducible generators
    /// per stream, with stream 0 equal to `random.Random(seed)`.
    public init(seed: Int, stream: UInt64) {
        let magnitude = seed.magnitude
        self.init(key: [UInt32(truncatingIfNeeded: magnitude), UInt32(truncatingIfNeeded: magnitude >> 32),
                        UInt32(truncatingIfNeeded: stream), UInt32(truncatingIfNeeded: stream >> 32)])
    }

    /// The generator CPython seeds from the integer whose 32-bit words, least significant first, are `words`
    /// (high zero words are ignored, as they are in CPython).
    public init(key words: [UInt32]) {
        var key = words
        while key.count > 1, key.last == 0 { key.removeLast() }
        if key.isEmpty { key = [0] }
        state = Self.initialState(19_650_218)
        index = Self.n
        mixIn(key)
    }

    private static func initialState(_ seed: UInt32) -> [UInt32] {
        var mt = [UInt32](repeating: 0, count: n)
        mt[0] = seed
        for i in 1..<n {
            mt[i] = 1_812_433_253 &* (mt[i - 1] ^ (mt[i - 1] >> 30)) &+ UInt32(i)
        }
        return mt
    }

    /// MT19937's `init_by_array`.
    private mutating func mixIn(_ key: [UInt32]) {
        let n = Self.n
        var i = 1
        var j = 0
        for _ in 0..<max(n, key.count) {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_664_525)) &+ key[j] &+ UInt32(j)
            i += 1
            j += 1
            if i >= n { state[0] = state[n - 1]; i = 1 }
            if j >= key.count { j = 0 }
        }
        for _ in 0..<(n - 1) {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_566_083_941)) &- UInt32(i)
            i += 1
            if i >= n { state[0] = state[n - 1]; i = 1 }
        }
        state[0] = 0x8000_0000
    }

    /// The next 32 random bits (MT19937's `genrand_uint32`).
    public mutating func nextUInt32() -> UInt32 {
        if index >= Self.n { twist() }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    private mutating func twist() {
        let n = Self.n, m = Self.m
        for k in 0..<n {
            let y = (state[k] & 0x8000_0000) | (state[(k + 1) % n] & 0x7FFF_FFFF)
            state[k] = state[(k + m) % n] ^ (y >> 1) ^ ((y & 1) == 0 ? 0 : 0x9908_B0DF)
        }
        index = 0
    }

    /// `random()`: a double in [0, 1) with 53 random bits.
    public mutating func random() -> Double {
        let a = Double(nextUInt32() >> 5)
        let b = Double(nextUInt32() >> 6)
        return (a * 67_108_864.0 + b) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `getrandbits(k)` for 0 ≤ k ≤ 32.
    public mutating func getrandbits(_ k: Int) -> UInt32 {
        precondition((0...32).contains(k), "getrandbits supports 0...32 bits here")
        if k == 0 { return 0 }
        return nextUInt32() >> UInt32(32 - k)
    }

    /// `_randbelow(n)`: uniform in 0..<n by rejection over `n.bit_length()` random bits (CPython ≥ 3.2); 0 when
    /// `n` is 0, as CPython ≥ 3.10.
    public mutating func randbelow(_ n: Int) -> Int {
        guard n > 0 else { return 0 }
        precondition(n <= Int(UInt32.max), "randbelow supports bounds up to 2^32 - 1 here")
        let k = Int.bitWidth - n.leadingZeroBitCount
        var r = Int(getrandbits(k))
        while r >= n { r = Int(getrandbits(k)) }
        return r
    }

    /// `randint(a, b)`: uniform in a...b (both included).
    public mutating func randint(_ a: Int, _ b: Int) -> Int {
        precondition(b >= a, "randint needs a <= b")
        return a + randbelow(b - a + 1)
    }

    /// `shuffle(x)`: CPython's Fisher–Yates, from the last element down, with ``randbelow(_:)``.
    public mutating func shuffle<T>(_ elements: inout [T]) {
        guard elements.count > 1 else { return }
        for i in stride(from: elements.count - 1, to: 0, by: -1) {
            let j = randbelow(i + 1)
            elements.swapAt(i, j)
        }
    }
}
