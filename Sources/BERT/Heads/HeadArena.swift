import Compute

/// A head's buffers: planned for its encoder's capacity, viewed at the encoder's current shape (so a batch of
/// short sequences or fewer rows uses exact-sized views of the same memory).
struct HeadArena {
    let memory: ShapedArena<EncoderShape>
    unowned let encoder: BertEncoder

    /// Allocates `table(encoder.capacity)` on the encoder's device.
    init(encoder: BertEncoder, label: String, table: @escaping (EncoderShape) -> ArenaLayout) throws {
        memory = try ShapedArena(device: encoder.device, capacity: encoder.capacity, label: label, table: table)
        self.encoder = encoder
    }

    subscript(slot: ArenaLayout.Slot) -> BufferView { memory.view(slot, at: encoder.shape) }
}
