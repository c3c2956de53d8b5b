import Dispatch
import ParamShareEngine

/// The machine's GEMM ceiling: the rate at which the engine's BLAS multiplies large square
/// `Float` matrices, one multiplication per engine thread at once, as the engine runs its GEMMs.
///
/// A model's arithmetic rate divided by it says how much of the machine a step uses: what is
/// left is memory traffic, element-wise passes and thin shapes.
package struct GEMMCeiling: Sendable, Codable, Equatable {
    /// The matrices' side.
    package var size: Int
    /// The threads that multiplied at once.
    package var threads: Int
    /// Billions of floating-point operations (2 per multiply-add) per second, over all threads.
    package var gigaflopsPerSecond: Double

    /// Measures the ceiling in about a quarter of a second: a warm-up product per thread, then
    /// `repetitions` timed ones per thread.
    package static func measure(threads: Int = EngineThreads.count, size: Int = 768, repetitions: Int = 8) -> GEMMCeiling {
        let matrices = (0..<threads).map { thread in
            (0..<3).map { index in
                let matrix = Tensor<Float>(shape: [size, size])
                BankKernels.fillGaussian(matrix.data, count: matrix.count, standardDeviation: 1,
                                         random: RandomSource(seed: UInt64(3 * thread + index)))
                return matrix
            }
        }
        @Sendable func multiply(_ thread: Int, times: Int) {
            let m = matrices[thread]
            for _ in 0..<times {
                Float.gemm(transposeA: false, transposeB: false, m: size, n: size, k: size, alpha: 1, a: m[0].data, lda: size,
                           b: m[1].data, ldb: size, beta: 0, c: m[2].data, ldc: size)
            }
        }
        DispatchQueue.concurrentPerform(iterations: threads) { multiply($0, times: 1) }
        let start = DispatchTime.now().uptimeNanoseconds
        DispatchQueue.concurrentPerform(iterations: threads) { multiply($0, times: repetitions) }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let operations = 2 * Double(size * size * size) * Double(repetitions * threads)
        return GEMMCeiling(size: size, threads: threads, gigaflopsPerSecond: operations / seconds / 1e9)
    }

    enum CodingKeys: String, CodingKey {
        case size, threads
        case gigaflopsPerSecond = "gflops"
    }
}
