extension LAMBTables {
    /// Uploads the tables of `layouts` (one per slice a step updates) into one int32 allocation and allocates their
    /// partials and ratios in one float32 allocation — two allocations in all, of exactly
    /// `allocationBytes(chunks:tensors:)` for the layouts' totals. Returns one `LAMBTables` per layout, in order.
    public static func allocate(_ layouts: [LAMBLayout], on device: any Device, label: String) throws -> [LAMBTables] {
        let chunks = layouts.reduce(0) { $0 + $1.chunkCount }, tensors = layouts.reduce(0) { $0 + $1.tensors.count }
        let tables = try device.allocate(3 * (chunks + tensors), .int32, label: "\(label) tables")   // [3C + 3T]
        let results = try device.allocate(2 * chunks + tensors, label: "\(label) partials and ratios")   // [2C + T]
        try device.write(layouts.flatMap(\.chunkTable) + layouts.flatMap(\.tensorTable), to: tables)
        var result: [LAMBTables] = []
        var (chunk, tensor) = (0, 0)
        for layout in layouts {
            let (c, t) = (layout.chunkCount, layout.tensors.count)
            result.append(LAMBTables(chunks: try tables.slice(3 * chunk, count: 3 * c),
                                     tensors: try tables.slice(3 * (chunks + tensor), count: 3 * t),
                                     partials: try results.slice(2 * chunk, count: 2 * c),
                                     ratios: try results.slice(2 * chunks + tensor, count: t)))
            chunk += c
            tensor += t
        }
        return result
    }

    /// Bytes `allocate` charges the accountant for layouts with `chunks` chunks and `tensors` tensors in all.
    public static func allocationBytes(chunks: Int, tensors: Int) -> Int {
        max(3 * (chunks + tensors) * DType.int32.size, 1) + max((2 * chunks + tensors) * DType.float32.size, 1)
    }
}
