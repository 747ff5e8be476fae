/// What data-parallel training needs from a process group (the `Cluster` module's MPI communicator implements it;
/// Training does not import MPI): this process's rank and the group's size, sum all-reduce and broadcast of host
/// arrays, and a barrier. Every rank calls each collective in the same order with the same counts.
public protocol DataParallel: AnyObject {
    /// This process's rank, 0 ..< size; rank 0 writes checkpoints, metrics and evaluations.
    var rank: Int { get }
    /// Processes training together.
    var size: Int { get }
    /// Replaces `values` by their elementwise sum over all ranks.
    func allReduceSum(_ values: inout [Float]) throws
    /// Replaces `values` by their elementwise sum over all ranks.
    func allReduceSum(_ values: inout [Double]) throws
    /// Copies rank `root`'s `values` to every rank.
    func broadcast(_ values: inout [Float], root: Int) throws
    /// Waits until every rank has called it.
    func barrier() throws
}
