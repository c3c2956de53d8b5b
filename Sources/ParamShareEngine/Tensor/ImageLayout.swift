/// How a layer stores a batch of images in memory.
public enum ImageLayout: Sendable, Hashable {
    /// `[N, C, H, W]`: each channel is a plane, PyTorch's default order.
    case channelsFirst
    /// `[N, H, W, C]`: each pixel's channels side by side, PyTorch's `channels_last`. The CIFAR
    /// ResNets run in it, because oneDNN's direct convolutions read it at full speed.
    case channelsLast

    /// The shape of `items` images of `channels × height × width` in this layout.
    public func shape(items: Int, channels: Int, height: Int, width: Int) -> [Int] {
        switch self {
        case .channelsFirst: [items, channels, height, width]
        case .channelsLast: [items, height, width, channels]
        }
    }

    /// The order of a batch's axes, for messages: `[N, C, H, W]` or `[N, H, W, C]`.
    var axes: String { self == .channelsFirst ? "[N, C, H, W]" : "[N, H, W, C]" }

    /// The channel count of a 4-d image batch `shape` in this layout.
    func channels(of shape: [Int]) -> Int { self == .channelsFirst ? shape[1] : shape[3] }

    /// The height and width of a 4-d image batch `shape` in this layout.
    func plane(of shape: [Int]) -> (height: Int, width: Int) {
        self == .channelsFirst ? (shape[2], shape[3]) : (shape[1], shape[2])
    }
}
