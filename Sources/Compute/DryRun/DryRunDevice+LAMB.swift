// LAMB in the dry run: the real backends' checks, no compute. It needs no scratch: the tables, partials and
// ratios are the caller's (`LAMBTables.allocate`), allocated once and charged there.

extension DryRunDevice {
    public func lamb(_ s: OptimizerSlice, tables t: LAMBTables, normSquared: BufferView, config: LAMBConfig) throws {
        try s.validate("lamb")
        try t.validate()
        try OpChecks.floats("lamb", count: 1, ("normSquared", normSquared))
        try executed("lamb", s.parameters, s.gradients, s.m, s.v, t.chunks, t.tensors, t.partials, t.ratios, normSquared)
    }
}
