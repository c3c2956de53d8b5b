import Foundation

/// Test accuracy against degrees of freedom as a self-contained SVG: one panel per model and data
/// set, one line per generator setting through its per-budget means, with 95% confidence bars.
///
/// The DoF axis is logarithmic because budgets are swept geometrically and the log-linear law
/// makes each setting close to a straight line there, so generators compare by height and slope
/// at a glance. The file uses no external font, script or style sheet, so it opens the same in a
/// browser, an editor or a paper's figure pipeline, and a setting keeps its colour in every panel.
public struct AccuracyPlot: Sendable {
    /// The per-budget summaries to draw; groups with no finished run or no positive DoF are left out.
    public var summaries: [GroupSummary]

    public init(summaries: [GroupSummary]) {
        self.summaries = summaries
    }

    // Okabe and Ito's colour-blind-safe palette, with its yellow (unreadable on white) replaced by brown.
    private static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#8C564B"]
    // A ninth setting reuses the first colour with a dashed line, so lines stay distinct past eight.
    private static let dashes = ["", "7 4", "2 3", "9 3 2 3"]

    private static let plotWidth = 560.0, plotHeight = 320.0
    private static let left = 80.0, top = 56.0, bottom = 60.0, gap = 24.0
    private static let legendRow = 18.0, characterWidth = 6.8

    /// One drawn line: a setting's plottable groups, in DoF order.
    private struct Series {
        var setting: RunSetting
        var points: [GroupSummary]
        var style: Int
    }

    /// The SVG document.
    public func svg() -> String {
        let drawable = summaries.filter {
            $0.meanDegreesOfFreedom > 0 && $0.meanDegreesOfFreedom.isFinite && $0.testAccuracy.mean.isFinite
        }
        let labels = Set(drawable.map(\.setting.generatorLabel)).sorted()
        let style = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        let panels = Dictionary(grouping: drawable) { [$0.setting.model, $0.setting.dataset] }
            .sorted { $0.key.lexicographicallyPrecedes($1.key) }
            .map { key, groups in
                (model: key[0], dataset: key[1],
                 series: Dictionary(grouping: groups, by: \.setting).sorted { $0.key < $1.key }.map { setting, points in
                     Series(setting: setting, points: points.sorted { $0.meanDegreesOfFreedom < $1.meanDegreesOfFreedom },
                            style: style[setting.generatorLabel] ?? 0)
                 })
            }

        let legendWidth = 60 + Self.characterWidth * Double(labels.map(\.count).max() ?? 0)
        let width = Self.left + Self.plotWidth + Self.gap + legendWidth
        var body = "", height = 0.0
        for panel in panels {
            let legendHeight = Double(panel.series.count) * Self.legendRow + 10
            let panelHeight = Self.top + max(Self.plotHeight, legendHeight) + Self.bottom
            body += "<g transform=\"translate(0,\(Self.format(height)))\">\n"
            body += drawPanel(model: panel.model, dataset: panel.dataset, series: panel.series)
            body += "</g>\n"
            height += panelHeight
        }
        if panels.isEmpty {
            height = 60
            body = "<text x=\"20\" y=\"35\" font-size=\"14\">No finished runs with a positive DoF to plot.</text>\n"
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Self.format(width))" height="\(Self.format(height))" \
            viewBox="0 0 \(Self.format(width)) \(Self.format(height))" font-family="sans-serif">
            <title>Test accuracy against degrees of freedom</title>
            <rect width="100%" height="100%" fill="white"/>

            """ + body + "</svg>\n"
    }

    /// One panel: axes, grid, lines with confidence bars, and the legend, with its top-left corner at the origin.
    private func drawPanel(model: String, dataset: String, series: [Series]) -> String {
        let points = series.flatMap(\.points)
        let x = Self.logAxis(dofs: points.map(\.meanDegreesOfFreedom))
        let percentages = points.flatMap { group in
            [group.testAccuracy.mean, group.testAccuracy.lowerBound, group.testAccuracy.upperBound].filter(\.isFinite).map(Self.percent)
        }
        let y = Self.niceAxis(low: percentages.min() ?? 0, high: percentages.max() ?? 100)
        let plotLeft = Self.left, plotTop = Self.top, plotBottom = Self.top + Self.plotHeight
        func xPosition(_ dof: Double) -> Double {
            plotLeft + (log10(dof) - x.low) / (x.high - x.low) * Self.plotWidth
        }
        func yPosition(_ percent: Double) -> Double {
            plotBottom - (percent - y.low) / (y.high - y.low) * Self.plotHeight
        }
        let f = Self.format

        var out = "<text x=\"\(f(plotLeft))\" y=\"24\" font-size=\"16\" font-weight=\"bold\">"
            + "Test accuracy against degrees of freedom: \(Self.escaped(model)) on \(Self.escaped(dataset))</text>\n"
        out += "<text x=\"\(f(plotLeft))\" y=\"42\" font-size=\"11\" fill=\"#555555\">"
            + "Points: mean over finished seeds at each budget; bars: 95% confidence interval (Student's t), clipped to 0–100%.</text>\n"

        // Grid and ticks: decades labelled as powers of ten, minor ticks at 2…9 times each decade.
        for decade in stride(from: floor(x.low), through: x.high, by: 1) {
            if decade >= x.low {
                let position = xPosition(pow(10, decade))
                out += "<line x1=\"\(f(position))\" y1=\"\(f(plotTop))\" x2=\"\(f(position))\" y2=\"\(f(plotBottom))\" stroke=\"#dddddd\"/>\n"
                out += "<line x1=\"\(f(position))\" y1=\"\(f(plotBottom))\" x2=\"\(f(position))\" y2=\"\(f(plotBottom + 6))\" stroke=\"black\"/>\n"
                out += "<text x=\"\(f(position))\" y=\"\(f(plotBottom + 22))\" font-size=\"12\" text-anchor=\"middle\">10"
                    + "<tspan dy=\"-6\" font-size=\"9\">\(Int(decade))</tspan></text>\n"
            }
            for multiple in 2...9 where (x.low...x.high).contains(decade + log10(Double(multiple))) {
                let minor = xPosition(Double(multiple) * pow(10, decade))
                out += "<line x1=\"\(f(minor))\" y1=\"\(f(plotBottom))\" x2=\"\(f(minor))\" y2=\"\(f(plotBottom + 3))\" stroke=\"black\"/>\n"
            }
        }
        for tick in stride(from: y.low, through: y.high + y.step / 2, by: y.step) {
            let position = yPosition(tick)
            out += "<line x1=\"\(f(plotLeft))\" y1=\"\(f(position))\" x2=\"\(f(plotLeft + Self.plotWidth))\" y2=\"\(f(position))\" stroke=\"#dddddd\"/>\n"
            out += "<line x1=\"\(f(plotLeft - 6))\" y1=\"\(f(position))\" x2=\"\(f(plotLeft))\" y2=\"\(f(position))\" stroke=\"black\"/>\n"
            out += "<text x=\"\(f(plotLeft - 9))\" y=\"\(f(position + 4))\" font-size=\"12\" text-anchor=\"end\">"
                + "\(String(format: "%.*f", y.decimals, tick))</text>\n"
        }
        out += "<rect x=\"\(f(plotLeft))\" y=\"\(f(plotTop))\" width=\"\(f(Self.plotWidth))\" height=\"\(f(Self.plotHeight))\" fill=\"none\" stroke=\"black\"/>\n"
        out += "<text x=\"\(f(plotLeft + Self.plotWidth / 2))\" y=\"\(f(plotBottom + 46))\" font-size=\"13\" text-anchor=\"middle\">"
            + "degrees of freedom (log scale)</text>\n"
        let yTitle = plotTop + Self.plotHeight / 2
        out += "<text x=\"24\" y=\"\(f(yTitle))\" font-size=\"13\" text-anchor=\"middle\" transform=\"rotate(-90 24 \(f(yTitle)))\">"
            + "test accuracy (%)</text>\n"

        let legendLeft = plotLeft + Self.plotWidth + Self.gap
        for (index, line) in series.enumerated() {
            let colour = Self.palette[line.style % Self.palette.count]
            let dash = Self.dashes[(line.style / Self.palette.count) % Self.dashes.count]
            let dashAttribute = dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\""
            out += "<g stroke=\"\(colour)\" fill=\"\(colour)\">\n"
            for group in line.points where group.testAccuracy.halfWidth.isFinite {
                let position = xPosition(group.meanDegreesOfFreedom)
                let low = yPosition(Self.percent(group.testAccuracy.lowerBound)), high = yPosition(Self.percent(group.testAccuracy.upperBound))
                out += "<path d=\"M\(f(position)),\(f(low))V\(f(high))M\(f(position - 4)),\(f(low))H\(f(position + 4))"
                    + "M\(f(position - 4)),\(f(high))H\(f(position + 4))\" fill=\"none\"/>\n"
            }
            let coordinates = line.points.map {
                "\(f(xPosition($0.meanDegreesOfFreedom))),\(f(yPosition(Self.percent($0.testAccuracy.mean))))"
            }
            out += "<polyline points=\"\(coordinates.joined(separator: " "))\" fill=\"none\" stroke-width=\"2\"\(dashAttribute)/>\n"
            for group in line.points {
                out += "<circle cx=\"\(f(xPosition(group.meanDegreesOfFreedom)))\" cy=\"\(f(yPosition(Self.percent(group.testAccuracy.mean))))\" r=\"3.5\"/>\n"
            }
            let rowY = plotTop + 10 + Double(index) * Self.legendRow
            out += "<line x1=\"\(f(legendLeft))\" y1=\"\(f(rowY))\" x2=\"\(f(legendLeft + 28))\" y2=\"\(f(rowY))\" stroke-width=\"2\"\(dashAttribute)/>\n"
            out += "<circle cx=\"\(f(legendLeft + 14))\" cy=\"\(f(rowY))\" r=\"3.5\"/>\n"
            out += "</g>\n"
            out += "<text x=\"\(f(legendLeft + 36))\" y=\"\(f(rowY + 4))\" font-size=\"12\">\(Self.escaped(line.setting.generatorLabel))</text>\n"
        }
        return out
    }

    /// An accuracy as a percentage, clipped to 0…100 so that the wide intervals of two or three
    /// seeds cannot stretch the axis past the accuracies that exist.
    private static func percent(_ accuracy: Double) -> Double {
        min(100, max(0, accuracy * 100))
    }

    /// The log10 range of the DoF axis: the data, at least one decade wide so that a decade tick
    /// falls inside, with a margin so that no point or bar sits on the frame.
    private static func logAxis(dofs: [Double]) -> (low: Double, high: Double) {
        var low = log10(dofs.min() ?? 1), high = log10(dofs.max() ?? 10)
        if high - low < 1 {
            let middle = (low + high) / 2
            (low, high) = (middle - 0.5, middle + 0.5)
        }
        let margin = 0.06 * (high - low)
        return (low - margin, high + margin)
    }

    /// An axis from `low` to `high` (in percent) with 1, 2 or 5 × 10^k steps, about five of them.
    private static func niceAxis(low: Double, high: Double) -> (low: Double, high: Double, step: Double, decimals: Int) {
        // A single value still needs a visible range around it.
        let (low, high) = high - low < 1e-9 ? (low - 1, high + 1) : (low, high)
        let raw = (high - low) / 5
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        let decimals = max(0, -Int(floor(log10(step))))
        return (floor(low / step) * step, ceil(high / step) * step, step, decimals)
    }

    /// `text` with XML's special characters escaped, safe inside elements and attribute values.
    private static func escaped(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            default: result.append(character)
            }
        }
        return result
    }

    /// A coordinate with two decimals: finer than any screen, and short.
    private static func format(_ value: Double) -> String {
        String(format: "%.2f", value)
    }
}
