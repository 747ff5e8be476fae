// Reductions on OpenCL: Kernels/reduce.cl — column sums one item per column; the sum of squares in two stages
// (a fixed number of row work-groups into the device's reduction scratch, then one work-group).

extension SumRowsOp {
    public func run(on device: OpenCLDevice) throws {
        try device.launch("sum_rows", in: "reduce.cl", global: [columns],
                          [.count(rows), .count(columns), .buffer(x), .buffer(out), .uint(accumulate ? 1 : 0)])
    }
}

extension SumOfSquaresOp {
    public func run(on device: OpenCLDevice) throws {
        let partials = try device.reductionScratch(), group = device.rowWorkGroupSize
        try device.launch("sum_of_squares_partial", in: "reduce.cl", global: [OpenCLDevice.sumSquaresGroups * group],
                          local: [group], [.count(x.count), .buffer(x), .buffer(partials)])
        try device.launch("sum_of_squares_final", in: "reduce.cl", global: [group], local: [group],
                          [.count(OpenCLDevice.sumSquaresGroups), .buffer(partials), .buffer(out), .uint(accumulate ? 1 : 0)])
    }
}
