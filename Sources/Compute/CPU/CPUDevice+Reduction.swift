extension CPUDevice {
    public func sumRows(_ x: BufferView, rows: Int, columns: Int, into out: BufferView, accumulate: Bool) throws {
        try OpChecks.matrix("sumRows", "x", x, rows: rows, columns: columns)
        try OpChecks.floats("sumRows", count: columns, ("out", out))
        let xp = try floats(x, "sumRows")     // [rows, columns]
        let op = try floats(out, "sumRows")   // [columns]
        // Each column is summed over rows in order 0..<rows, the same order as the OpenCL kernel; threads
        // split the columns, so the result does not depend on the thread count.
        parallel(columns, grain: max(1, 16_384 / max(rows, 1))) { columnRange in
            let width = columnRange.count
            let partial = UnsafeMutablePointer<Float>.allocate(capacity: width)
            defer { partial.deallocate() }
            partial.initialize(repeating: 0, count: width)
            for r in 0..<rows {
                let row = xp + r * columns + columnRange.lowerBound
                for j in 0..<width { partial[j] += row[j] }
            }
            let target = op + columnRange.lowerBound
            for j in 0..<width { target[j] = accumulate ? target[j] + partial[j] : partial[j] }
        }
    }
}
