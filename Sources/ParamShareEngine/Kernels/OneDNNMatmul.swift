import CDNNL
import Foundation
import Synchronization

/// The sizes of one matrix product `C[m, n] = A[m, k] · B[k, n]`, with the elements of `A` and
/// `B` lying their row and column strides apart, so that a transposed operand is a view.
struct MatmulShape: Hashable, Sendable {
    var m: Int, k: Int, n: Int
    var aRowStride: Int, aColumnStride: Int
    var bRowStride: Int, bColumnStride: Int
}

/// oneDNN's matrix product for one shape: `Float` or bfloat16 operands, `Float` sums, and a
/// row-major `Float` result.
///
/// A linear layer with bf16 operands multiplies through it where oneDNN makes it for the CPU
/// (AVX-512; `vdpbf16ps` with AVX512_BF16) and ``BFloat16KernelChoice`` takes bf16 kernels, and
/// rounds its operands for the `Float` products elsewhere; both
/// multiply the same rounded operands, whose products are exact in `Float`, so they differ only
/// in the order of the sums. A linear layer's `Float` forward takes it for its blocks of output
/// columns on AVX-512 CPUs (``OneDNNGEMM``). Every call runs on the thread that makes it, with
/// its own stream and scratchpad, so results do not depend on the thread count.
final class OneDNNMatmul: @unchecked Sendable {
    let shape: MatmulShape
    private let primitive: OneDNNPrimitive
    private let a: dnnl_memory_desc_t
    private let b: dnnl_memory_desc_t
    private let c: dnnl_memory_desc_t
    private let streams: OneDNNStreams
    /// For a product made to take packed weights: `B` as callers store it, and the reorder that
    /// packs it into the layout the kernel reads (``b``).
    private let packing: (plain: dnnl_memory_desc_t, reorder: OneDNNPrimitive)?

    /// oneDNN's name for the kernel it chose (`brg:avx512_core_bf16`).
    var implementation: String { primitive.implementation }

    /// The product for `shape` of operands of type `operands` (`dnnl_bf16` or `dnnl_f32`), with
    /// scratch space for `threads` concurrent callers; `nil` where oneDNN has none for it on this
    /// CPU (bf16 on AVX2).
    ///
    /// With `packsWeights`, `B` is read in the layout oneDNN's kernel prefers, into which
    /// ``pack(_:into:thread:)`` reorders it: worth it where one `B` serves many products, as a
    /// dense weight does over inference passes (128×3072 by 3072×256 on one thread: 151–155
    /// against 132–141 GFLOP/s reading `B` as stored, on the Intel Xeon of family 6, model 207).
    init?(shape: MatmulShape, operands: dnnl_data_type_t, packsWeights: Bool = false, threads: Int) {
        var a = dnnl_memory_desc_t(), b = dnnl_memory_desc_t(), c = dnnl_memory_desc_t(), plain = dnnl_memory_desc_t()
        check(paramshare_dnnl_desc_2d(&a, Int64(shape.m), Int64(shape.k), Int64(shape.aRowStride),
                                      Int64(shape.aColumnStride), operands), "describing A of \(shape)")
        check(paramshare_dnnl_desc_2d(&plain, Int64(shape.k), Int64(shape.n), Int64(shape.bRowStride),
                                      Int64(shape.bColumnStride), operands), "describing B of \(shape)")
        if packsWeights {
            check(paramshare_dnnl_desc_2d_any(&b, Int64(shape.k), Int64(shape.n), operands), "describing packed B of \(shape)")
        } else {
            b = plain
        }
        check(paramshare_dnnl_desc_2d(&c, Int64(shape.m), Int64(shape.n), Int64(shape.n), 1, dnnl_f32),
              "describing C of \(shape)")
        var operation = dnnl_matmul_desc_t()
        check(dnnl_matmul_desc_init(&operation, &a, &b, nil, &c), "describing the matrix product \(shape)")
        guard let primitive = OneDNNPrimitive(&operation, threads: threads) else { return nil }
        self.shape = shape
        self.primitive = primitive
        self.a = a
        self.b = packsWeights ? dnnl_primitive_desc_query_md(primitive.descriptor, dnnl_query_weights_md, 0).pointee : b
        self.c = c
        packing = packsWeights ? (plain, OneDNNPrimitive(reorderFrom: plain, to: self.b, threads: threads)) : nil
        streams = OneDNNStreams(threads: threads)
        streams.reserveScratchpads(for: [primitive] + (packing.map { [$0.reorder] } ?? []))
    }

    /// The bytes of `B` packed for this product (``pack(_:into:thread:)``).
    var packedWeightBytes: Int { byteCount(of: b) }

    /// Writes `B`, stored as the shape says, into `packed` (``packedWeightBytes`` bytes) in the
    /// layout a product made with `packsWeights` reads.
    func pack(_ weights: UnsafeRawPointer, into packed: UnsafeMutableRawPointer, thread: Int) {
        guard let packing else { preconditionFailure("packing weights for a product made to read them as stored") }
        streams.execute(packing.reorder, thread: thread, [
            (DNNL_ARG_FROM, packing.plain, UnsafeMutableRawPointer(mutating: weights)),
            (DNNL_ARG_TO, b, packed),
        ], "packing B of \(shape)")
    }

    /// `c = a · b`, overwriting `c`; `a` and `b` hold operands of the type the product was made for,
    /// `b` packed by ``pack(_:into:thread:)`` where it was made to take packed weights.
    func multiply(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, into c: UnsafeMutablePointer<Float>, thread: Int) {
        streams.execute(primitive, thread: thread, [
            (DNNL_ARG_SRC, self.a, UnsafeMutableRawPointer(mutating: a)),
            (DNNL_ARG_WEIGHTS, self.b, UnsafeMutableRawPointer(mutating: b)),
            (DNNL_ARG_DST, self.c, UnsafeMutableRawPointer(c)),
        ], "multiplying \(shape)")
    }

    /// Which paths bf16 linear layers have announced: oneDNN's bf16 products (`true`), the
    /// emulation (`false`).
    private static let announced = Mutex<Set<Bool>>([])

    /// Prints, the first time a process takes a path, which computation a bf16 linear layer
    /// gets: oneDNN's bf16 products (naming the first one's kernel), or the emulation.
    static func announceBFloat16(_ product: OneDNNMatmul?) {
        guard announced.withLock({ $0.insert(product != nil).inserted }) else { return }
        let line = product.map { "bf16 linear layers run on oneDNN's bf16 matrix products, with Float sums and outputs (first: \($0.implementation))" }
            ?? "bf16 linear layers are emulated: oneDNN has no bf16 matrix product for this CPU, so operands are rounded to bf16 and multiplied by OpenBLAS in Float"
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
