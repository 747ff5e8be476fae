/// Working memory of tokenization, kept between the texts of one session or batch.
///
/// A call takes the ``Workspace`` out of its ``Scratch`` once and passes it down `inout`, so the hot loops touch
/// no class property (no reference counting or exclusivity checks per character).
final class Scratch {
    private var workspace = Workspace()

    /// Runs `body` with the workspace: one exclusive access for the whole call.
    func withWorkspace<Result>(_ body: (inout Workspace) -> Result) -> Result { body(&workspace) }

    deinit { workspace.buffers.deallocate() }
}

/// Buffers and arrays one tokenization call works in.
struct Workspace {
    var buffers = WordBuffers(capacity: 256)
    /// The decoded text of a region taking the general path.
    var units: [SourceUnit] = []
    /// The current whitespace-delimited chunk.
    var chunk: [SourceUnit] = []
    /// Lower-casing output.
    var lowered: [SourceUnit] = []
    var normalizer = Normalizer()
}

/// The byte buffers of the word being split into pieces; owned by a ``Scratch``, which deallocates them.
struct WordBuffers {
    private(set) var capacity: Int
    /// The normalized bytes of the current word.
    private(set) var bytes: UnsafeMutablePointer<UInt8>
    /// FNV-1a states of the current piece's prefixes.
    private(set) var states: UnsafeMutablePointer<UInt64>
    /// For each byte of the current word, the index of the scalar it belongs to.
    private(set) var scalarIndex: UnsafeMutablePointer<Int32>

    init(capacity: Int) {
        self.capacity = capacity
        bytes = .allocate(capacity: capacity)
        states = .allocate(capacity: capacity)
        scalarIndex = .allocate(capacity: capacity)
    }

    /// Makes room for a word of `count` bytes.
    @inline(__always)
    mutating func reserve(_ count: Int) {
        guard count > capacity else { return }
        deallocate()
        self = WordBuffers(capacity: max(count, capacity * 2))
    }

    func deallocate() {
        bytes.deallocate()
        states.deallocate()
        scalarIndex.deallocate()
    }
}
