import RealModule

/// Max pooling over `planes` independent planes (items × channels) with window geometry `g`
/// (its `channels` is ignored). Records, for each output, the flat in-plane index of its maximum.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func maxPoolForward<Scalar: EngineScalar>(
    _ x: UnsafePointer<Scalar>, planes: Range<Int>, _ g: WindowGeometry,
    into y: UnsafeMutablePointer<Scalar>, argmax: UnsafeMutablePointer<Int32>
) {
    let inPlane = g.height * g.width, outPlane = g.outputPlane
    for p in planes {
        let input = x + p * inPlane
        for oh in 0..<g.outputHeight {
            for ow in 0..<g.outputWidth {
                var best = -Scalar.infinity, bestIndex = -1
                g.forEachTap(outputRow: oh, outputColumn: ow) { pixel in
                    let v = input[pixel]
                    // PyTorch's rule: a NaN wins and no number beats it, so it propagates.
                    if bestIndex < 0 || v > best || v.isNaN { best = v; bestIndex = pixel }
                }
                y[p * outPlane + oh * g.outputWidth + ow] = best
                argmax[p * outPlane + oh * g.outputWidth + ow] = Int32(bestIndex)
            }
        }
    }
}

/// Routes each output gradient to the input position that won the max; `dx` is overwritten.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func maxPoolBackward<Scalar: EngineScalar>(
    _ dy: UnsafePointer<Scalar>, argmax: UnsafePointer<Int32>, planes: Range<Int>, _ g: WindowGeometry,
    into dx: UnsafeMutablePointer<Scalar>
) {
    let inPlane = g.height * g.width, outPlane = g.outputPlane
    for p in planes {
        let grad = dx + p * inPlane
        grad.update(repeating: 0, count: inPlane)
        for o in 0..<outPlane {
            grad[Int(argmax[p * outPlane + o])] += dy[p * outPlane + o]
        }
    }
}

/// Calls `body(output, row)` for every output of `planes` and every row of its window (no
/// padding): the output's flat index, and the flat input index where that window row starts.
/// Average pooling's forward and backward walk the same windows, one reading, one spreading.
@inline(__always)
private func forEachAverageWindowRow(planes: Range<Int>, _ g: WindowGeometry, _ body: (Int, Int) -> Void) {
    let inPlane = g.height * g.width
    for p in planes {
        for oh in 0..<g.outputHeight {
            for ow in 0..<g.outputWidth {
                for ki in 0..<g.kernelHeight {
                    body(p * g.outputPlane + oh * g.outputWidth + ow, p * inPlane + (oh * g.stride + ki) * g.width + ow * g.stride)
                }
            }
        }
    }
}

/// Average pooling without padding: each output is the mean of its kernel window.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func averagePoolForward<Scalar: EngineScalar>(
    _ x: UnsafePointer<Scalar>, planes: Range<Int>, _ g: WindowGeometry, into y: UnsafeMutablePointer<Scalar>
) {
    let outputs = (planes.lowerBound * g.outputPlane)..<(planes.upperBound * g.outputPlane)
    (y + outputs.lowerBound).update(repeating: 0, count: outputs.count)
    forEachAverageWindowRow(planes: planes, g) { output, row in
        for kj in 0..<g.kernelWidth { y[output] += x[row + kj] }
    }
    let scale = 1 / Scalar(g.kernelHeight * g.kernelWidth)
    for output in outputs { y[output] *= scale }
}

/// Spreads each output gradient evenly over its window; `dx` is overwritten.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func averagePoolBackward<Scalar: EngineScalar>(
    _ dy: UnsafePointer<Scalar>, planes: Range<Int>, _ g: WindowGeometry, into dx: UnsafeMutablePointer<Scalar>
) {
    let inPlane = g.height * g.width
    (dx + planes.lowerBound * inPlane).update(repeating: 0, count: planes.count * inPlane)
    let scale = 1 / Scalar(g.kernelHeight * g.kernelWidth)
    forEachAverageWindowRow(planes: planes, g) { output, row in
        let share = dy[output] * scale
        for kj in 0..<g.kernelWidth { dx[row + kj] += share }
    }
}

/// Global average pooling of `items` images of `channels` planes of `planeSize` pixels in
/// `layout`, and its backward: forward, `y[n, c]` = the mean of channel c of image n; backward,
/// every pixel of channel c of image n gets `dy[n, c] / planeSize`. `target` is overwritten.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func globalAveragePool<Scalar: EngineScalar>(
    _ source: UnsafePointer<Scalar>, items: Int, channels: Int, planeSize: Int, layout: ImageLayout, backward: Bool,
    into target: UnsafeMutablePointer<Scalar>
) {
    let scale = 1 / Scalar(planeSize)
    switch (layout, backward) {
    case (.channelsFirst, false):
        for p in 0..<(items * channels) {
            let plane = source + p * planeSize
            var sum: Scalar = 0
            for i in 0..<planeSize { sum = Relaxed.sum(sum, plane[i]) }
            target[p] = sum * scale
        }
    case (.channelsFirst, true):
        for p in 0..<(items * channels) { (target + p * planeSize).update(repeating: source[p] * scale, count: planeSize) }
    case (.channelsLast, false):
        for item in 0..<items {
            let means = target + item * channels
            means.update(repeating: 0, count: channels)
            for pixel in 0..<planeSize {
                let values = source + (item * planeSize + pixel) * channels
                for c in 0..<channels { means[c] = Relaxed.sum(means[c], values[c]) }
            }
            for c in 0..<channels { means[c] *= scale }
        }
    case (.channelsLast, true):
        for item in 0..<items {
            let incoming = source + item * channels
            for pixel in 0..<planeSize {
                let values = target + (item * planeSize + pixel) * channels
                for c in 0..<channels { values[c] = incoming[c] * scale }
            }
        }
    }
}

/// Max pooling of channels-last `items` `[height, width, channels]` with window geometry `g`:
/// each pixel's channels pooled side by side, scanning the window in the channels-first kernel's
/// order so both pick the same winner. Records, for each output, the flat in-item index of its
/// maximum.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func channelsLastMaxPoolForward<Scalar: EngineScalar>(
    _ x: UnsafePointer<Scalar>, items: Range<Int>, _ g: WindowGeometry,
    into y: UnsafeMutablePointer<Scalar>, argmax: UnsafeMutablePointer<Int32>
) {
    let inItem = g.height * g.width * g.channels, outItem = g.outputPlane * g.channels
    let halving = g.kernelHeight == 2 && g.kernelWidth == 2 && g.stride == 2 && g.padding == 0
    for item in items {
        let input = x + item * inItem, output = y + item * outItem, winners = argmax + item * outItem
        // The NaN test in the scan keeps it from vectorising: with it, max pooling took 20 % of
        // LeNet-5's benchmark samples, without it 3.5 %. A NaN is rare, so one pass over the item
        // looks for it, and only an item with a NaN or an infinity takes the exact scan.
        if !isFinite(input, count: inItem) {
            channelsLastExactMaxPool(input, g, into: output, argmax: winners)
        } else if halving {
            channelsLastHalvingMaxPool(input, g, into: output, argmax: winners)
        } else {
            channelsLastFiniteMaxPool(input, g, into: output, argmax: winners)
        }
    }
}

/// Whether all `count` values are finite: `v * 0` is zero for a finite `v` and NaN otherwise,
/// and a sum of zeros cannot overflow.
@inline(__always)
private func isFinite<Scalar: EngineScalar>(_ x: UnsafePointer<Scalar>, count: Int) -> Bool {
    var sum: Scalar = 0
    for i in 0..<count { sum = Relaxed.sum(sum, x[i] * 0) }
    return sum.isFinite
}

/// One item's max pooling under PyTorch's rule: a NaN wins and no number beats it, so it
/// propagates.
@inline(__always)
private func channelsLastExactMaxPool<Scalar: EngineScalar>(
    _ input: UnsafePointer<Scalar>, _ g: WindowGeometry, into y: UnsafeMutablePointer<Scalar>, argmax: UnsafeMutablePointer<Int32>
) {
    let channels = g.channels
    for oh in 0..<g.outputHeight {
        for ow in 0..<g.outputWidth {
            let out = (oh * g.outputWidth + ow) * channels
            for c in 0..<channels { argmax[out + c] = -1 }
            g.forEachTap(outputRow: oh, outputColumn: ow) { tap in
                let pixel = tap * channels
                for c in 0..<channels {
                    let v = input[pixel + c]
                    if argmax[out + c] < 0 || v > y[out + c] || v.isNaN { y[out + c] = v; argmax[out + c] = Int32(pixel + c) }
                }
            }
        }
    }
}

/// One item's 2×2, stride-2, unpadded max pooling of NaN-free values, each channel's four
/// candidates compared in registers in the exact scan's order, so ties go to the same winner.
@inline(__always)
private func channelsLastHalvingMaxPool<Scalar: EngineScalar>(
    _ input: UnsafePointer<Scalar>, _ g: WindowGeometry, into y: UnsafeMutablePointer<Scalar>, argmax: UnsafeMutablePointer<Int32>
) {
    let channels = g.channels, right = channels, down = g.width * channels
    for oh in 0..<g.outputHeight {
        for ow in 0..<g.outputWidth {
            let out = (oh * g.outputWidth + ow) * channels, topLeft = (2 * oh * g.width + 2 * ow) * channels
            for c in 0..<channels {
                var index = topLeft &+ c, best = input[index]
                func consider(_ candidate: Int) {
                    let v = input[candidate], wins = v > best
                    best = wins ? v : best
                    index = wins ? candidate : index
                }
                consider(topLeft &+ right &+ c)
                consider(topLeft &+ down &+ c)
                consider(topLeft &+ down &+ right &+ c)
                y[out + c] = best
                argmax[out + c] = Int32(truncatingIfNeeded: index)
            }
        }
    }
}

/// One item's max pooling of NaN-free values under any window (ResNet-18's stem pools 3×3
/// windows at stride 2 with a padding of 1): each channel's candidates compared in registers, in
/// the exact scan's order, so ties go to the same winner. A window of nine taps (a 3×3 window
/// wholly inside the image, most of them) has its compares written out, so that the loop over channels
/// compiles to vector compares and blends; a loop over taps inside it kept the exact scan's
/// speed (5 % of a 64×64 ResNet-18 benchmark's samples).
@inline(__always)
private func channelsLastFiniteMaxPool<Scalar: EngineScalar>(
    _ input: UnsafePointer<Scalar>, _ g: WindowGeometry, into y: UnsafeMutablePointer<Scalar>, argmax: UnsafeMutablePointer<Int32>
) {
    let channels = g.channels
    var taps = [Int]()
    taps.reserveCapacity(g.kernelHeight * g.kernelWidth)
    for oh in 0..<g.outputHeight {
        for ow in 0..<g.outputWidth {
            let out = (oh * g.outputWidth + ow) * channels
            taps.removeAll(keepingCapacity: true)
            g.forEachTap(outputRow: oh, outputColumn: ow) { taps.append($0 * channels) }
            if taps.count == 9 {
                let t = (taps[0], taps[1], taps[2], taps[3], taps[4], taps[5], taps[6], taps[7], taps[8])
                for c in 0..<channels {
                    var index = t.0 &+ c, best = input[index]
                    func consider(_ candidate: Int) {
                        let v = input[candidate], wins = v > best
                        best = wins ? v : best
                        index = wins ? candidate : index
                    }
                    consider(t.1 &+ c)
                    consider(t.2 &+ c)
                    consider(t.3 &+ c)
                    consider(t.4 &+ c)
                    consider(t.5 &+ c)
                    consider(t.6 &+ c)
                    consider(t.7 &+ c)
                    consider(t.8 &+ c)
                    y[out + c] = best
                    argmax[out + c] = Int32(truncatingIfNeeded: index)
                }
                continue
            }
            // A padding of at most half the window (`PoolingWindow`'s bound) leaves every window a tap.
            taps.withUnsafeBufferPointer { taps in
                for c in 0..<channels {
                    var index = taps[0] &+ c, best = input[index]
                    for tap in taps.dropFirst() {
                        let candidate = tap &+ c, v = input[candidate], wins = v > best
                        best = wins ? v : best
                        index = wins ? candidate : index
                    }
                    y[out + c] = best
                    argmax[out + c] = Int32(truncatingIfNeeded: index)
                }
            }
        }
    }
}

/// Routes each output gradient of channels-last `items` to the input position that won the max;
/// `dx` is overwritten.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func channelsLastMaxPoolBackward<Scalar: EngineScalar>(
    _ dy: UnsafePointer<Scalar>, argmax: UnsafePointer<Int32>, items: Range<Int>, _ g: WindowGeometry,
    into dx: UnsafeMutablePointer<Scalar>
) {
    let inItem = g.height * g.width * g.channels, outItem = g.outputPlane * g.channels
    for item in items {
        let grad = dx + item * inItem
        grad.update(repeating: 0, count: inItem)
        for o in item * outItem..<(item + 1) * outItem { grad[Int(argmax[o])] += dy[o] }
    }
}
