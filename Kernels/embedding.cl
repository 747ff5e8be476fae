// embedding.cl — BERT's embedding sum (forward) and deterministic row scatter-add (backward).
//
//   embedding_forward: out[t, c] = word[ids[t], c] + position[t mod seq, c] + type[types[t], c]
//                      ids, types: int [tokens]; word: [V, H]; position: [P, H]; type: [Tv, H]; out: [tokens, H]
//                      (ids are range-checked on the host before upload; an id outside the table reads row 0
//                      rather than memory outside it)
//   scatter_add_rows:  grad[rows[u], c] += Σ_{k = offsets[u] .. offsets[u+1]−1} dout[members[k], c]
//                      a CSR index built on the host: rows: int [U] (distinct table rows), offsets: int [U+1],
//                      members: int [tokens] (the tokens of each row, ascending). Each (row, column) is summed by
//                      one work-item in a fixed order: no atomics, deterministic. Used for the word, position
//                      and token-type tables.
//
// Every buffer arrives as (pointer, element offset).
// Launch: embedding_forward tokens·H items; scatter_add_rows U·H items.
// CPU twin: Sources/Compute/Ops/Embedding/Embedding+CPU.swift. OpenCL C 1.2; builds standalone.

__kernel void embedding_forward(const uint tokens, const uint hidden, const uint seq,
                                __global const int* ids, const uint ids_off,
                                __global const int* types, const uint types_off,
                                __global const float* word, const uint word_off, const uint vocab,
                                __global const float* position, const uint position_off,
                                __global const float* type_table, const uint type_off, const uint type_vocab,
                                __global float* out, const uint out_off) {
    const uint n = get_global_id(0);
    if (n >= tokens * hidden) return;
    // Quotient and remainder as q = a / b, r = a − q·b: a `%` next to its `/` becomes an LLVM `freeze`, which
    // Oclgrind 21.10's uninitialised-value check cannot run (docs/kernels.md).
    const uint t = n / hidden, c = n - t * hidden;
    const int id = ids[ids_off + t], tt = types[types_off + t];
    const uint row = (id >= 0 && (uint)id < vocab) ? (uint)id : 0u;
    const uint type_row = (tt >= 0 && (uint)tt < type_vocab) ? (uint)tt : 0u;
    out[out_off + n] = word[word_off + (size_t)row * hidden + c]
                     + position[position_off + (size_t)(t % seq) * hidden + c]
                     + type_table[type_off + (size_t)type_row * hidden + c];
}

__kernel void scatter_add_rows(const uint unique_rows, const uint hidden,
                               __global const int* rows, const uint rows_off,
                               __global const int* offsets, const uint offsets_off,
                               __global const int* members, const uint members_off,
                               __global const float* dout, const uint dout_off,
                               __global float* grad, const uint grad_off, const uint table_rows) {
    const uint n = get_global_id(0);
    if (n >= unique_rows * hidden) return;
    const uint u = n / hidden, c = n - u * hidden;           // (no `%`: see embedding_forward)
    const int row = rows[rows_off + u];
    if (row < 0 || (uint)row >= table_rows) return;   // never write outside the table
    float sum = 0.0f;
    for (int k = offsets[offsets_off + u]; k < offsets[offsets_off + u + 1]; ++k) {
        sum += dout[dout_off + (size_t)members[members_off + k] * hidden + c];
    }
    grad[grad_off + (size_t)row * hidden + c] += sum;
}
