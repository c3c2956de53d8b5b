import Foundation
import NotebookSupport
import ParamShare

/// Dense ResNet-20's and ResNet-56's CIFAR-10 test accuracy as He et al. report it, beside this
/// regime's: how far its 30-epoch recipe leaves the networks from trained ones.
enum PublishedDenseAccuracy {
    /// He et al. (CVPR 2016, table 6): 8.75 % and 6.97 % test error after 64,000 steps of 128
    /// images, the original pixels, padding-and-crop and flip.
    static let heEtAl: [(architecture: Architecture, accuracy: Double)] = [(PaperRecipe.shallowNetwork, 0.9125),
                                                                         (PaperRecipe.deepNetwork, 0.9303)]

    /// One line per network: its dense runs' mean and standard deviation in `table`, and He et al.'s.
    static func text(of table: RunTable) -> String {
        heEtAl.map { architecture, published in
            let runs = table.runs.filter { $0.setting.model == "\(architecture)" && $0.setting.generator == GeneratorRegistry.denseName }
            let accuracies = runs.filter(\.isOK).compactMap(\.testAccuracy)
            guard !accuracies.isEmpty else { return "dense \(architecture): no run finished ok; He et al. \(percent(published))" }
            let mean = Statistics.mean(accuracies)
            let spread = accuracies.count > 1 ? String(format: " ± %.2f", 100 * Statistics.standardDeviation(accuracies)) : ""
            let others = runs.count > accuracies.count ? ", \(runs.count - accuracies.count) more not ok" : ""
            return "dense \(architecture): \(percent(mean))\(spread) (\(accuracies.count) runs ok\(others)); He et al. \(percent(published)), "
                + String(format: "%+.2f points from theirs", 100 * (mean - published))
        }.joined(separator: "\n")
    }

    private static func percent(_ accuracy: Double) -> String { String(format: "%.2f %%", 100 * accuracy) }
}
