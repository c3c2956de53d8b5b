import CDNNL

/// A oneDNN primitive with its descriptor, set to take its scratchpad from the caller.
///
/// Each thread slot keeps the memory objects of its last call and points them at the next
/// call's buffers, so a call creates none.
final class OneDNNPrimitive {
    let descriptor: OpaquePointer
    let primitive: OpaquePointer
    let scratchpad: dnnl_memory_desc_t
    private let bindings: [Bindings]

    /// One thread slot's arguments, made on its first call; only that thread touches it.
    private final class Bindings {
        var arguments: [dnnl_exec_arg_t] = []
    }

    nonisolated(unsafe) static let engine: OpaquePointer = {
        var engine: OpaquePointer?
        check(dnnl_engine_create(&engine, dnnl_cpu, 0), "creating the CPU engine")
        return engine!
    }()

    /// The primitive for `operation`, which points at an operation descriptor
    /// (`dnnl_convolution_desc_t`, `dnnl_matmul_desc_t`); `nil` where oneDNN has no kernel for it
    /// (`dnnl_unimplemented`).
    convenience init?(_ operation: UnsafeRawPointer, hint: OpaquePointer? = nil, threads: Int) {
        let attributes = Self.userScratchpad()
        defer { dnnl_primitive_attr_destroy(attributes) }
        self.init(operation, attributes: attributes, hint: hint, threads: threads)
    }

    /// The primitive for `operation` with `attributes`; `nil` where oneDNN has no kernel for it.
    convenience init?(_ operation: UnsafeRawPointer, attributes: OpaquePointer, hint: OpaquePointer? = nil, threads: Int) {
        // oneDNN plans a kernel's work split over OpenMP's thread count when it chooses it, and a
        // kernel planned for several threads starts a team even when called from a thread set to one.
        paramshare_dnnl_stay_on_calling_thread()
        var descriptor: OpaquePointer?
        let status = dnnl_primitive_desc_create(&descriptor, operation, attributes, Self.engine, hint)
        if status == dnnl_unimplemented { return nil }
        check(status, "choosing a kernel")
        self.init(descriptor: descriptor!, threads: threads)
    }

    convenience init(reorderFrom source: dnnl_memory_desc_t, to destination: dnnl_memory_desc_t, threads: Int) {
        let attributes = Self.userScratchpad()
        defer { dnnl_primitive_attr_destroy(attributes) }
        paramshare_dnnl_stay_on_calling_thread()
        var source = source, destination = destination
        var descriptor: OpaquePointer?
        check(dnnl_reorder_primitive_desc_create(&descriptor, &source, Self.engine, &destination, Self.engine, attributes),
              "choosing a kernel reorder")
        self.init(descriptor: descriptor!, threads: threads)
    }

    private init(descriptor: OpaquePointer, threads: Int) {
        self.descriptor = descriptor
        bindings = (0..<threads).map { _ in Bindings() }
        var primitive: OpaquePointer?
        check(dnnl_primitive_create(&primitive, descriptor), "creating a primitive")
        self.primitive = primitive!
        scratchpad = dnnl_primitive_desc_query_md(descriptor, dnnl_query_scratchpad_md, 0).pointee
    }

    deinit {
        for argument in bindings.flatMap(\.arguments) { dnnl_memory_destroy(argument.memory) }
        dnnl_primitive_destroy(primitive)
        dnnl_primitive_desc_destroy(descriptor)
    }

    /// The execution arguments for `thread`, over `arguments`' buffers. A call passes the same
    /// arguments with the same descriptors every time; only the buffers change.
    func bind(_ arguments: [(Int32, dnnl_memory_desc_t, UnsafeMutableRawPointer)], thread: Int) -> [dnnl_exec_arg_t] {
        let slot = bindings[thread]
        if slot.arguments.isEmpty {
            slot.arguments = arguments.map { argument, descriptor, pointer in
                var descriptor = descriptor
                var memory: OpaquePointer?
                check(dnnl_memory_create(&memory, &descriptor, Self.engine, pointer), "wrapping a buffer")
                return dnnl_exec_arg_t(arg: argument, memory: memory)
            }
        } else {
            for (bound, (_, _, pointer)) in zip(slot.arguments, arguments) {
                check(dnnl_memory_set_data_handle(bound.memory, pointer), "pointing at a buffer")
            }
        }
        return slot.arguments
    }

    /// oneDNN's name for the kernel it chose, as `ONEDNN_VERBOSE` prints it (`brgconv:avx512_core_bf16`).
    var implementation: String {
        var name: UnsafePointer<CChar>?
        check(dnnl_primitive_desc_query(descriptor, dnnl_query_impl_info_str, 0, &name), "naming a kernel")
        return name.map { String(cString: $0) } ?? "unnamed"
    }

    func memoryDescriptor(_ query: dnnl_query_t) -> dnnl_memory_desc_t {
        dnnl_primitive_desc_query_md(descriptor, query, 0).pointee
    }

    static func userScratchpad() -> OpaquePointer {
        var attributes: OpaquePointer?
        check(dnnl_primitive_attr_create(&attributes), "creating primitive attributes")
        check(dnnl_primitive_attr_set_scratchpad_mode(attributes, dnnl_scratchpad_mode_user), "setting the scratchpad mode")
        return attributes!
    }
}

/// One stream and one scratchpad per engine thread, for calling primitives from that thread.
///
/// Every call runs on the thread that makes it: the engine spreads fixed blocks of work over its
/// threads itself, so results do not depend on the thread count.
final class OneDNNStreams {
    private let streams: [OpaquePointer]
    private var scratchpads: [UnsafeMutableRawPointer]
    private var scratchpadBytes = 0

    /// How many threads may call at once.
    var count: Int { streams.count }

    init(threads: Int) {
        streams = (0..<threads).map { _ in
            var stream: OpaquePointer?
            check(dnnl_stream_create(&stream, OneDNNPrimitive.engine, dnnl_stream_default_flags.rawValue), "creating a stream")
            return stream!
        }
        scratchpads = []
    }

    deinit {
        for stream in streams { dnnl_stream_destroy(stream) }
        for buffer in scratchpads { buffer.deallocate() }
    }

    /// Makes every thread's scratchpad large enough for `primitives`.
    func reserveScratchpads(for primitives: [OneDNNPrimitive]) {
        let bytes = primitives.map { byteCount(of: $0.scratchpad) }.max() ?? 0
        guard bytes > scratchpadBytes || scratchpads.isEmpty else { return }
        for buffer in scratchpads { buffer.deallocate() }
        scratchpadBytes = max(bytes, scratchpadBytes)
        scratchpads = streams.map { _ in allocateForOneDNN(scratchpadBytes) }
    }

    /// Runs `primitive` on `arguments` (argument, descriptor, buffer) on the calling thread, as
    /// engine thread `thread`.
    func execute(_ primitive: OneDNNPrimitive, thread: Int, _ arguments: [(Int32, dnnl_memory_desc_t, UnsafeMutableRawPointer)],
                 _ what: @autoclosure () -> String) {
        paramshare_dnnl_stay_on_calling_thread()
        let bound = primitive.bind(arguments + [(DNNL_ARG_SCRATCHPAD, primitive.scratchpad, scratchpads[thread])],
                                   thread: thread)
        check(dnnl_primitive_execute(primitive.primitive, streams[thread], Int32(bound.count), bound), what())
    }
}

/// The same memory seen as `Float`, which it is wherever oneDNN is used (``ComputePrecision/bfloat16``
/// needs `Float`, and only `Float` layers call oneDNN).
func float<Scalar>(_ pointer: UnsafeMutablePointer<Scalar>) -> UnsafeMutablePointer<Float> {
    rebound(pointer)
}

/// Memory for oneDNN, aligned for its vector loads.
func allocateForOneDNN(_ bytes: Int) -> UnsafeMutableRawPointer {
    UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 64), alignment: 64)
}

func byteCount(of descriptor: dnnl_memory_desc_t) -> Int {
    withUnsafePointer(to: descriptor) { dnnl_memory_desc_get_size($0) }
}

/// Stops with oneDNN's status: every failure here is a bug or a broken installation, not bad input.
func check(_ status: dnnl_status_t, _ what: @autoclosure () -> String) {
    precondition(status == dnnl_success, "oneDNN failed \(what()): status \(status.rawValue)")
}
