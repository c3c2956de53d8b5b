/// Which stem an ImageNet ResNet takes for an input: chosen by its size alone, so a model name
/// means one network per data set.
package enum ImageNetResNetStem: Sendable, Hashable {
    /// 3×3 convolution at stride 1, batch norm, ReLU: for images of side 32 or less.
    case cifar
    /// 7×7 convolution at stride 2, batch norm, ReLU, 3×3 max pool at stride 2: for larger images.
    case imageNet

    /// The largest image side that takes the CIFAR stem.
    package static let largestCIFARSide = 32

    /// The stem for images of `inputShape` (`[channels, height, width]`): the CIFAR stem when
    /// neither side exceeds ``largestCIFARSide``.
    package init(inputShape: [Int]) {
        self = max(inputShape[1], inputShape[2]) <= Self.largestCIFARSide ? .cifar : .imageNet
    }
}
