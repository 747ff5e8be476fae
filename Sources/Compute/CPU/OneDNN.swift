#if SWIFTBERT_DNNL
import CDNNL
#endif
import Foundation

/// Names of oneDNN's status codes (for errors; defined without oneDNN too, so `ComputeError` always builds).
enum OneDNNStatus {
    static func name(_ status: Int32) -> String {
        switch status {
        case 0: return "success"
        case 1: return "out of memory"
        case 2: return "invalid arguments"
        case 3: return "unimplemented"
        case 4: return "iterator ends"
        case 5: return "runtime error"
        case 6: return "not required"
        default: return "unknown"
        }
    }
}

#if SWIFTBERT_DNNL
/// The CPU backend's GEMMs through oneDNN's matmul primitive (row-major, strides for transposes and leading
/// dimensions, `alpha` as an output scale, `beta` as a sum post-op; a strided batch is one 3-D matmul). One
/// primitive per shape, created on its first call and kept; operands are wrapped in place, never copied. oneDNN
/// keeps its own scratchpad, as OpenBLAS keeps its buffers (neither is device memory of the accountant).
///
/// oneDNN threads with OpenMP (Debian's build: libgomp); `init(threads:)` sets OpenMP's thread count to the
/// backend's, so oneDNN, OpenBLAS and `ParallelFor` each use `--threads` and never run at the same time.
final class OneDNNGEMM {
    private let engine: dnnl_engine_t
    private let stream: dnnl_stream_t
    private var matmuls: [Key: Matmul] = [:]

    /// What a primitive is specialized for.
    struct Key: Hashable {
        let m, n, k, lda, ldb, ldc: Int
        let transA, transB: Bool
        let alpha, beta: Float
        let batch: BatchStrides?
        /// A and B in bf16 (C stays fp32).
        let bf16: Bool

        init(_ s: GEMMShape, _ batch: BatchStrides?, bf16: Bool = false) {
            (m, n, k, lda, ldb, ldc) = (s.m, s.n, s.k, s.lda, s.ldb, s.ldc)
            (transA, transB, alpha, beta) = (s.transA == .transposed, s.transB == .transposed, s.alpha, s.beta)
            self.batch = batch
            self.bf16 = bf16
        }
    }

    /// A created primitive with the memory objects it runs on (their data handles are set per call).
    final class Matmul {
        let primitive: dnnl_primitive_t
        let a, b, c: dnnl_memory_t
        /// oneDNN's implementation name (`brg:avx512_core`, …).
        let implementation: String

        init(primitive: dnnl_primitive_t, a: dnnl_memory_t, b: dnnl_memory_t, c: dnnl_memory_t, implementation: String) {
            (self.primitive, self.a, self.b, self.c, self.implementation) = (primitive, a, b, c, implementation)
        }

        deinit {
            dnnl_primitive_destroy(primitive)
            for memory in [a, b, c] { dnnl_memory_destroy(memory) }
        }
    }

    /// oneDNN's version, e.g. `oneDNN 2.6.3`.
    static var version: String {
        guard let v = dnnl_version() else { return "oneDNN" }
        return "oneDNN \(v.pointee.major).\(v.pointee.minor).\(v.pointee.patch)"
    }

    /// oneDNN on the CPU engine; with `settingThreads`, OpenMP (process-wide) runs `threads` threads.
    init(threads: Int, settingThreads: Bool = true) throws {
        if settingThreads { Self.setOpenMPThreads(threads) }
        var engine: dnnl_engine_t?
        try Self.check(dnnl_engine_create(&engine, dnnl_cpu, 0), "dnnl_engine_create")
        var stream: dnnl_stream_t?
        try Self.check(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue),
                       "dnnl_stream_create")
        guard let engine, let stream else { throw ComputeError.oneDNN(call: "dnnl_engine_create", status: 5) }
        (self.engine, self.stream) = (engine, stream)
    }

    deinit {
        matmuls.removeAll()
        dnnl_stream_destroy(stream)
        dnnl_engine_destroy(engine)
    }

    /// Whether oneDNN has a bf16 matmul for this processor (it has none on AVX2-only processors): a 16×16×16
    /// bf16 primitive is created once, on one thread, without changing OpenMP's thread count.
    static let bf16MatmulAvailable: Bool = {
        guard let probe = try? OneDNNGEMM(threads: 1, settingThreads: false) else { return false }
        return (try? probe.matmul(for: Key(GEMMShape(m: 16, n: 16, k: 16), nil, bf16: true))) != nil
    }()

    /// Whether oneDNN runs this GEMM (an empty k, C = beta·C, is left to BLAS).
    static func supports(_ s: GEMMShape) -> Bool { s.k > 0 }

    /// `C = alpha·op(A)·op(B) + beta·C` (per matrix of `batch`) on validated operands.
    func run(_ s: GEMMShape, batch: BatchStrides?, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
             c: UnsafeMutablePointer<Float>) throws {
        try run(s, batch: batch, a: UnsafeRawPointer(a), b: UnsafeRawPointer(b), c: c, bf16: false)
    }

    /// The same with A and B in float32, or in bfloat16 with `bf16` (fp32 accumulation, C in float32).
    func run(_ s: GEMMShape, batch: BatchStrides?, a: UnsafeRawPointer, b: UnsafeRawPointer,
             c: UnsafeMutablePointer<Float>, bf16: Bool) throws {
        guard s.m > 0, s.n > 0, (batch?.count ?? 1) > 0 else { return }
        let matmul = try self.matmul(for: Key(s, batch, bf16: bf16))
        try Self.check(dnnl_memory_set_data_handle(matmul.a, UnsafeMutableRawPointer(mutating: a)), "set A")
        try Self.check(dnnl_memory_set_data_handle(matmul.b, UnsafeMutableRawPointer(mutating: b)), "set B")
        try Self.check(dnnl_memory_set_data_handle(matmul.c, UnsafeMutableRawPointer(c)), "set C")
        var arguments = [dnnl_exec_arg_t(arg: DNNL_ARG_SRC, memory: matmul.a),
                         dnnl_exec_arg_t(arg: DNNL_ARG_WEIGHTS, memory: matmul.b),
                         dnnl_exec_arg_t(arg: DNNL_ARG_DST, memory: matmul.c)]
        try Self.check(dnnl_primitive_execute(matmul.primitive, stream, Int32(arguments.count), &arguments), "matmul execute")
        try Self.check(dnnl_stream_wait(stream), "dnnl_stream_wait")
    }

    /// `C = alpha·op(A)·op(B) + beta·C` through oneDNN's BLAS-style `dnnl_sgemm` (row-major, its jit GEMM on
    /// OpenMP's threads; no primitive to create).
    static func sgemm(_ s: GEMMShape, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                      _ c: UnsafeMutablePointer<Float>) throws {
        guard s.m > 0, s.n > 0 else { return }
        let (ta, tb) = (CChar(UInt8(ascii: s.transA == .none ? "N" : "T")), CChar(UInt8(ascii: s.transB == .none ? "N" : "T")))
        try check(dnnl_sgemm(ta, tb, Int64(s.m), Int64(s.n), Int64(s.k), s.alpha, a, Int64(s.lda), b, Int64(s.ldb), s.beta, c,
                             Int64(s.ldc)), "dnnl_sgemm")
    }

    /// A strided batch through `dnnl_sgemm`: each of `parallel`'s threads runs whole matrices with OpenMP set to one
    /// thread for itself (OpenMP's thread count is per calling thread), then back to what it was — so the small
    /// per-head GEMMs of attention do not pay OpenMP's fork per matrix and nothing is oversubscribed.
    static func sgemmBatched(_ s: GEMMShape, batch: BatchStrides, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                             _ c: UnsafeMutablePointer<Float>, parallel: ParallelFor) throws {
        nonisolated(unsafe) var failure: Error?
        parallel(batch.count, grain: 1) { range in
            let previous = openMPMaxThreads()
            setOpenMPThreads(1)
            defer { if let previous { setOpenMPThreads(previous) } }
            for i in range {
                do { try sgemm(s, a + i * batch.a, b + i * batch.b, c + i * batch.c) } catch { failure = error }
            }
        }
        if let failure { throw failure }
    }

    /// The implementation oneDNN picked for a shape (creating its primitive if needed).
    func implementation(_ s: GEMMShape, batch: BatchStrides?) throws -> String {
        try matmul(for: Key(s, batch)).implementation
    }

    private func matmul(for key: Key) throws -> Matmul {
        if let existing = matmuls[key] { return existing }
        // Row-major logical A [m, k], B [k, n], C [m, n]; a transposed operand is the same memory read with swapped
        // strides; a batch adds a leading dimension with the batch stride.
        let input = key.bf16 ? dnnl_bf16 : dnnl_f32
        var a = try descriptor([key.m, key.k], strides: key.transA ? [1, key.lda] : [key.lda, 1], batch: key.batch?.a, input, key)
        var b = try descriptor([key.k, key.n], strides: key.transB ? [1, key.ldb] : [key.ldb, 1], batch: key.batch?.b, input, key)
        var c = try descriptor([key.m, key.n], strides: [key.ldc, 1], batch: key.batch?.c, dnnl_f32, key)
        var description = dnnl_matmul_desc_t()
        try Self.check(dnnl_matmul_desc_init(&description, &a, &b, nil, &c), "dnnl_matmul_desc_init")
        var attributes: dnnl_primitive_attr_t?
        try Self.check(dnnl_primitive_attr_create(&attributes), "dnnl_primitive_attr_create")
        defer { dnnl_primitive_attr_destroy(attributes) }
        if key.alpha != 1 {
            var alpha = key.alpha
            try Self.check(dnnl_primitive_attr_set_output_scales(attributes, 1, 0, &alpha), "output scales")
        }
        if key.beta != 0 {
            var postOps: dnnl_post_ops_t?
            try Self.check(dnnl_post_ops_create(&postOps), "dnnl_post_ops_create")
            defer { dnnl_post_ops_destroy(postOps) }
            try Self.check(dnnl_post_ops_append_sum(postOps, key.beta), "sum post-op")
            try Self.check(dnnl_primitive_attr_set_post_ops(attributes, postOps), "set post-ops")
        }
        var primitiveDescription: dnnl_primitive_desc_t?
        try Self.check(withUnsafePointer(to: &description) {
            dnnl_primitive_desc_create(&primitiveDescription, UnsafeRawPointer($0), attributes, engine, nil)
        }, "matmul primitive descriptor")
        defer { dnnl_primitive_desc_destroy(primitiveDescription) }
        var name: UnsafePointer<CChar>?
        _ = dnnl_primitive_desc_query(primitiveDescription, dnnl_query_impl_info_str, 0, &name)
        var primitive: dnnl_primitive_t?
        try Self.check(dnnl_primitive_create(&primitive, primitiveDescription), "dnnl_primitive_create")
        var memories: [dnnl_memory_t] = []
        for var desc in [a, b, c] {
            var memory: dnnl_memory_t?
            // DNNL_MEMORY_NONE: the data handle is set at each call.
            try Self.check(dnnl_memory_create(&memory, &desc, engine, nil), "dnnl_memory_create")
            guard let memory else { throw ComputeError.oneDNN(call: "dnnl_memory_create", status: 5) }
            memories.append(memory)
        }
        guard let primitive else { throw ComputeError.oneDNN(call: "dnnl_primitive_create", status: 5) }
        let matmul = Matmul(primitive: primitive, a: memories[0], b: memories[1], c: memories[2],
                            implementation: name.map { String(cString: $0) } ?? "?")
        matmuls[key] = matmul
        return matmul
    }

    /// A memory descriptor of `dims` with `strides` and element type `type`, with a leading batch dimension when
    /// `batch` is given.
    private func descriptor(_ dims: [Int], strides: [Int], batch: Int?, _ type: dnnl_data_type_t,
                            _ key: Key) throws -> dnnl_memory_desc_t {
        var d = dims.map(Int64.init), st = strides.map(Int64.init)
        if let batch, let count = key.batch?.count {
            d.insert(Int64(count), at: 0)
            st.insert(Int64(batch), at: 0)
        }
        var result = dnnl_memory_desc_t()
        try Self.check(dnnl_memory_desc_init_by_strides(&result, Int32(d.count), d, type, st), "dnnl_memory_desc_init_by_strides")
        return result
    }

    private static func check(_ status: dnnl_status_t, _ call: String) throws {
        guard status == dnnl_success else { throw ComputeError.oneDNN(call: call, status: Int32(status.rawValue)) }
    }

    /// OpenMP's thread count for oneDNN, through the runtime libdnnl loaded (libgomp reads OMP_NUM_THREADS only at
    /// load time, so the backend's `threads` is set by calling `omp_set_num_threads` when the symbol is there).
    /// The calling thread's OpenMP thread count (nil when the OpenMP runtime is not loaded).
    static func openMPMaxThreads() -> Int? {
        typealias MaxThreads = @convention(c) () -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "omp_get_max_threads") else { return nil }
        return Int(unsafeBitCast(symbol, to: MaxThreads.self)())
    }

    static func setOpenMPThreads(_ threads: Int) {
        typealias SetThreads = @convention(c) (Int32) -> Void
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "omp_set_num_threads") else { return }
        unsafeBitCast(symbol, to: SetThreads.self)(Int32(threads))
    }
}
#endif
