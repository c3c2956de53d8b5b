/// A dense, contiguous, row-major array of scalars with a shape.
///
/// `Tensor` has reference semantics, like the named buffers of a C training loop: layers own
/// their output and gradient tensors, allocate them once per batch shape, and overwrite them on
/// every step. A view (`batch(_:)`, `reshaped(_:)`) shares storage with its parent, so hot loops
/// never allocate per element or per step.
public final class Tensor<Scalar: EngineScalar>: @unchecked Sendable {
    /// The extent of each dimension, outermost first.
    public let shape: [Int]
    /// The number of scalars, the product of `shape`.
    public let count: Int
    /// The first scalar. Valid while this tensor is alive.
    public let data: UnsafeMutablePointer<Scalar>
    // Keeps the memory alive; a view and its parent share one storage.
    private let storage: TensorStorage<Scalar>

    /// Creates a tensor of the given shape with every scalar set to `value`.
    public init(shape: [Int], repeating value: Scalar = 0) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor shape \(shape) has a negative dimension")
        self.shape = shape
        self.count = shape.reduce(1, *)
        self.storage = TensorStorage(count: count, repeating: value)
        self.data = storage.base
    }

    /// Creates a tensor of the given shape whose scalars are unspecified, for a kernel that
    /// overwrites them all (no pass over its memory before that kernel's), over memory that a
    /// freed tensor of a pass gave back (``RecycledMemory``): a buffer of one pass, freed once read.
    init(recycledShape shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor shape \(shape) has a negative dimension")
        self.shape = shape
        self.count = shape.reduce(1, *)
        self.storage = TensorStorage(recycledCount: count)
        self.data = storage.base
    }

    /// Creates a tensor of the given shape holding `scalars` in row-major order.
    public convenience init(shape: [Int], scalars: [Scalar]) {
        self.init(shape: shape)
        precondition(scalars.count == count, "\(scalars.count) scalars do not fill shape \(shape)")
        scalars.withUnsafeBufferPointer { copyScalars(from: $0.baseAddress!, to: data, count: count) }
    }

    private init(shape: [Int], sharing storage: TensorStorage<Scalar>, offset: Int) {
        self.shape = shape
        self.count = shape.reduce(1, *)
        self.storage = storage
        self.data = storage.base + offset
    }

    /// A tensor of `shape` over the start of `other`'s memory, which must be large enough.
    convenience init(shape: [Int], sharingStorageOf other: Tensor) {
        self.init(shape: shape, sharing: other.storage, offset: 0)
        precondition(count <= storage.count, "shape \(shape) does not fit in \(storage.count) scalars")
    }

    /// A tensor of `shape` over the start of `other`'s memory, which may hold fewer scalars: a
    /// stand-in for values kept elsewhere, whose shape and identity are read, never its scalars
    /// (an activation kept only in bfloat16, in a `BFloat16Buffer` over `other`).
    convenience init(shape: [Int], standingInOver other: Tensor) {
        self.init(shape: shape, sharing: other.storage, offset: 0)
    }

    /// How many scalars the memory behind this tensor (and its views) holds.
    var storageCapacity: Int { storage.count }

    /// The scalars as a mutable buffer, for kernels.
    public var buffer: UnsafeMutableBufferPointer<Scalar> {
        UnsafeMutableBufferPointer(start: data, count: count)
    }

    /// A copy of the scalars in row-major order.
    public var scalars: [Scalar] { Array(buffer) }

    /// The scalar at flat row-major position `index`.
    public subscript(index: Int) -> Scalar {
        get {
            precondition(index >= 0 && index < count, "index \(index) out of range 0..<\(count)")
            return data[index]
        }
        set {
            precondition(index >= 0 && index < count, "index \(index) out of range 0..<\(count)")
            data[index] = newValue
        }
    }

    /// Sets every scalar to zero.
    public func zero() {
        fill(data, with: 0, count: count)
    }

    /// Copies the scalars of `source`, which must have the same count.
    public func copy(from source: Tensor<Scalar>) {
        precondition(source.count == count, "cannot copy \(source.shape) into \(shape)")
        copyScalars(from: source.data, to: data, count: count)
    }

    /// A view of the items `range` along the first dimension, sharing storage.
    public func batch(_ range: Range<Int>) -> Tensor<Scalar> {
        precondition(!shape.isEmpty && range.lowerBound >= 0 && range.upperBound <= shape[0],
                     "batch \(range) out of range for shape \(shape)")
        let itemCount = shape.dropFirst().reduce(1, *)
        return Tensor(shape: [range.count] + shape.dropFirst(), sharing: storage,
                      offset: (data - storage.base) + range.lowerBound * itemCount)
    }

    /// A view with another shape of the same count, sharing storage.
    public func reshaped(_ newShape: [Int]) -> Tensor<Scalar> {
        precondition(newShape.reduce(1, *) == count, "cannot reshape \(shape) to \(newShape)")
        return Tensor(shape: newShape, sharing: storage, offset: data - storage.base)
    }
}

/// Owns one allocation; tensors and their views keep it alive.
final class TensorStorage<Scalar: EngineScalar>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Scalar>
    let count: Int
    // Whether the memory came from, and goes back to, `RecycledMemory`.
    private let recycled: Bool

    init(count: Int, repeating value: Scalar) {
        self.count = count
        base = .allocate(capacity: max(count, 1))
        recycled = false
        // Scalars are trivial types, so filling uninitialised memory is initialising it.
        fill(base, with: value, count: count)
    }

    /// Memory for `count` scalars from `RecycledMemory`, left as it comes (scalars are trivial
    /// types, so writing them needs no initialisation first), given back when freed.
    init(recycledCount count: Int) {
        self.count = count
        base = RecycledMemory.take(bytes: count * MemoryLayout<Scalar>.stride).bindMemory(to: Scalar.self, capacity: count)
        recycled = true
    }

    deinit {
        if recycled {
            RecycledMemory.give(UnsafeMutableRawPointer(base), bytes: count * MemoryLayout<Scalar>.stride)
        } else {
            base.deallocate()
        }
    }
}
