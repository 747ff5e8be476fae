// The CPU twins of Kernels/reduce.cl: the same summation orders, so the results do not depend on the thread count.

extension SumRowsOp {
    public func run(on device: CPUDevice) throws {
        let xp = try device.floats(x, "sumRows")     // [rows, columns]
        let op = try device.floats(out, "sumRows")   // [columns]
        let (rows, columns, accumulate) = (self.rows, self.columns, self.accumulate)
        // Each column is summed over rows in order 0..<rows, the same order as the OpenCL kernel; threads
        // split the columns.
        device.parallel(columns, grain: max(1, 16_384 / max(rows, 1))) { columnRange in
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

extension SumOfSquaresOp {
    public func run(on device: CPUDevice) throws {
        let xp = try device.floats(x, "sumOfSquares"), op = try device.floats(out, "sumOfSquares")
        let count = x.count
        // Fixed blocks summed in block order.
        let block = 65_536, blocks = (count + block - 1) / block
        let partials = UnsafeMutablePointer<Double>.allocate(capacity: max(blocks, 1))
        defer { partials.deallocate() }
        device.parallel(blocks, grain: 1) { range in
            for b in range {
                var sum: Float = 0
                for i in (b * block)..<min(count, (b + 1) * block) { sum += xp[i] * xp[i] }
                partials[b] = Double(sum)
            }
        }
        var total = 0.0
        for b in 0..<blocks { total += partials[b] }
        op[0] = accumulate ? op[0] + Float(total) : Float(total)
    }
}
