import Foundation
import ParamShareEngine

/// torchvision's `RandomResizedCrop.get_params`: a box of a random share of the image's area and
/// a random aspect ratio (uniform in log), placed uniformly, with ten tries before it falls back
/// to the largest centred box within the ratio range.
///
/// Drawing the ratio uniformly in log makes 3/4 and 4/3 equally likely, where a uniform ratio
/// would favour wide boxes.
package struct RandomResizedCrop: Sendable, Hashable {
    /// The range of the box's share of the image's area.
    package var scale: ClosedRange<Double> = 0.08...1
    /// The range of the box's width over its height.
    package var ratio: ClosedRange<Double> = (3.0 / 4)...(4.0 / 3)

    /// torchvision's defaults.
    package init() {}

    /// A box of `image` drawn from `random`, in whole pixels.
    func box(in image: DecodedImage, random: RandomSource) -> ImageResampling.Box {
        let (width, height) = (image.width, image.height)
        let area = Double(width * height)
        let logRatio = log(ratio.lowerBound)..<log(ratio.upperBound)
        for _ in 0..<10 {
            let targetArea = area * random.uniform(in: scale.lowerBound..<scale.upperBound)
            let aspect = exp(random.uniform(in: logRatio))
            // Python's round, half to even, as torchvision rounds.
            let w = Int((targetArea * aspect).squareRoot().rounded(.toNearestOrEven))
            let h = Int((targetArea / aspect).squareRoot().rounded(.toNearestOrEven))
            if w > 0 && w <= width && h > 0 && h <= height {
                let top = random.integer(below: height - h + 1), left = random.integer(below: width - w + 1)
                return ImageResampling.Box(x: Double(left), y: Double(top), width: Double(w), height: Double(h))
            }
        }
        let imageRatio = Double(width) / Double(height)
        var (w, h) = (width, height)
        if imageRatio < ratio.lowerBound {
            h = Int((Double(w) / ratio.lowerBound).rounded(.toNearestOrEven))
        } else if imageRatio > ratio.upperBound {
            w = Int((Double(h) * ratio.upperBound).rounded(.toNearestOrEven))
        }
        return ImageResampling.Box(x: Double((width - w) / 2), y: Double((height - h) / 2), width: Double(w), height: Double(h))
    }
}
