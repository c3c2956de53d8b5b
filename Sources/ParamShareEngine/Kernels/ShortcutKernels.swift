/// Option-A shortcut of He et al.: subsample every `stride`-th pixel and zero-pad the channels.
///
/// The input is `[items, inChannels, height, width]` (or channels-last `[items, height, width,
/// inChannels]`); the output `[items, outChannels, outH, outW]` (or channels-last), with the input
/// channels placed at `padBefore..<padBefore + inChannels` and zeros elsewhere.
struct SubsampleGeometry {
    var items: Int, inChannels: Int, height: Int, width: Int, stride: Int, outChannels: Int, padBefore: Int
    var layout: ImageLayout

    var outHeight: Int { (height + stride - 1) / stride }
    var outWidth: Int { (width + stride - 1) / stride }
    var inputCount: Int { items * inChannels * height * width }
    var outputCount: Int { items * outChannels * outHeight * outWidth }

    /// Calls `body(input, output, count)` for every run of kept values: the flat index of the run
    /// in the input and in the output, and its length. Forward and backward copy the same runs,
    /// in opposite directions: one value each channels-first, a pixel's channels channels-last.
    @inline(__always)
    func forEachRun(_ body: (Int, Int, Int) -> Void) {
        let outH = outHeight, outW = outWidth
        switch layout {
        case .channelsFirst:
            for item in 0..<items {
                for c in 0..<inChannels {
                    let input = (item * inChannels + c) * height * width, output = (item * outChannels + c + padBefore) * outH * outW
                    for oh in 0..<outH {
                        for ow in 0..<outW { body(input + oh * stride * width + ow * stride, output + oh * outW + ow, 1) }
                    }
                }
            }
        case .channelsLast:
            for item in 0..<items {
                for oh in 0..<outH {
                    for ow in 0..<outW {
                        body(((item * height + oh * stride) * width + ow * stride) * inChannels,
                             ((item * outH + oh) * outW + ow) * outChannels + padBefore, inChannels)
                    }
                }
            }
        }
    }
}

/// The shortcut's copy, either way: forward, `target` = the kept pixels of `source` with their
/// channels padded with zeros; backward, `target` = the gradients of the kept pixels put back
/// where they were read, and zeros elsewhere.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func subsampleAndPadChannels<Scalar: EngineScalar>(
    _ source: UnsafePointer<Scalar>, _ g: SubsampleGeometry, backward: Bool, into target: UnsafeMutablePointer<Scalar>
) {
    target.update(repeating: 0, count: backward ? g.inputCount : g.outputCount)
    g.forEachRun { input, output, count in
        if backward {
            (target + input).update(from: source + output, count: count)
        } else {
            (target + output).update(from: source + input, count: count)
        }
    }
}
