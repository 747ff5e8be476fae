// The CPU twins of Kernels/reduce.cl through the C kernels of Sources/CPUKernels: fixed summation orders, so the
// results do not depend on the thread count (column sums run over rows in order, as the OpenCL kernel does).

extension SumRowsOp {
    public func run(on device: CPUDevice) throws {
        let xp = try device.floats(x, .sumRows)     // [rows, columns]
        let op = try device.floats(out, .sumRows)   // [columns]
        let (rows, columns, accumulate) = (self.rows, self.columns, Int32(self.accumulate ? 1 : 0))
        let sumRows = device.kernels.table.sum_rows!
        // Threads split the columns.
        device.parallel(columns, grain: max(1, 16_384 / max(rows, 1))) { columnRange in
            sumRows(xp, op, rows, columns, accumulate, columnRange.lowerBound, columnRange.upperBound)
        }
    }
}

extension SumOfSquaresOp {
    public func run(on device: CPUDevice) throws {
        let xp = try device.floats(x, .sumOfSquares), op = try device.floats(out, .sumOfSquares)
        let count = x.count
        // Fixed blocks (each in sixteen lanes) summed in block order.
        let block = 65_536, blocks = (count + block - 1) / block, squares = device.kernels.table.sum_of_squares!
        let partials = UnsafeMutablePointer<Double>.allocate(capacity: max(blocks, 1))
        defer { partials.deallocate() }
        device.parallel(blocks, grain: 1) { range in
            for b in range {
                partials[b] = Double(squares(xp, b * block, min(count, (b + 1) * block)))
            }
        }
        var total = 0.0
        for b in 0..<blocks { total += partials[b] }
        op[0] = accumulate ? op[0] + Float(total) : Float(total)
    }
}
