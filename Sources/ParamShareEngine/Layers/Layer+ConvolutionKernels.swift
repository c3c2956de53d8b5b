extension Layer {
    /// oneDNN's names for every convolution kernel this layer and the layers inside it have
    /// run so far (each ``Conv2D``'s forward, backward-data and backward-weights kernels, and its
    /// inference forward with batch norm folded in), each once, sorted; empty where no
    /// convolution ran on oneDNN (channels-first networks, `Double`).
    ///
    /// oneDNN picks its kernels by instruction set and shape, and the order of their sums with
    /// them, so a run's bits reproduce only where it picked the same ones.
    package var convolutionKernels: [String] {
        var names = Set<String>()
        func visit(_ layer: any Layer<Scalar>) {
            if let convolution = layer as? Conv2D<Scalar> {
                for kernel in convolution.blockConvolutions.values { names.formUnion(kernel.implementations) }
            }
            layer.sublayers.forEach(visit)
        }
        visit(self)
        return names.sorted()
    }
}
