import Foundation

/// Test accuracy against degrees of freedom as a self-contained SVG: one panel per model and data
/// set, one line per generator setting through its per-budget means, with 95% confidence bars.
///
/// The DoF axis is logarithmic because budgets are swept geometrically and the log-linear law
/// makes each setting close to a straight line there, so generators compare by height and slope
/// at a glance. Each generator has its own colour and marker (`GeneratorStyle`), keyed by
/// name; settings of one generator (ablations) share them and differ in dash. Legend labels are
/// short (`SettingLabels`), with the shared options in a caption, and the caption gives the
/// runs per point. The y axis is fitted to the means, not to the intervals, whose width with
/// two or three seeds would squeeze generators 1 point apart into one line; bars that reach
/// past the axis are cut at it. The file uses no external font, script or style sheet, so it
/// opens the same in a browser, an editor or a paper's figure pipeline.
public struct AccuracyPlot: Sendable {
    /// The per-budget summaries to draw; groups with no finished run or no positive DoF are left out.
    public var summaries: [GroupSummary]

    public init(summaries: [GroupSummary]) {
        self.summaries = summaries
    }

    // Settings of one generator differ by dash, in the order of their labels.
    private static let dashes = ["", "7 4", "2 3", "9 3 2 3"]

    private static let plotWidth = 560.0, plotHeight = 320.0
    private static let left = 80.0, top = 74.0, bottom = 60.0, gap = 24.0
    private static let legendRow = 18.0, characterWidth = 6.8

    /// One drawn line: a setting's plottable groups, in DoF order.
    private struct Series {
        var setting: RunSetting
        var label: String
        var points: [GroupSummary]
        var style: GeneratorStyle
        var dash: String
    }

    /// The SVG document.
    public func svg() -> String {
        let drawable = summaries.filter {
            $0.meanDegreesOfFreedom > 0 && $0.meanDegreesOfFreedom.isFinite && $0.testAccuracy.mean.isFinite
        }
        let naming = SettingLabels(drawable.map(\.setting))
        let labels = drawable.map { naming.labels[$0.setting] ?? $0.setting.generator }
        // Dash by position among one generator's labels, so a setting has one dash in every panel.
        var dashes: [RunSetting: String] = [:]
        for (_, settings) in Dictionary(grouping: Set(drawable.map(\.setting)), by: \.generator) {
            let labels = Set(settings.map { naming.labels[$0] ?? $0.generator }).sorted()
            for setting in settings {
                dashes[setting] = Self.dashes[(labels.firstIndex(of: naming.labels[setting] ?? setting.generator) ?? 0) % Self.dashes.count]
            }
        }
        let panels = Dictionary(grouping: drawable) { [$0.setting.model, $0.setting.dataset] }
            .sorted { $0.key.lexicographicallyPrecedes($1.key) }
            .map { key, groups in
                (model: key[0], dataset: key[1],
                 series: Dictionary(grouping: groups, by: \.setting).sorted { $0.key < $1.key }.map { setting, points in
                     Series(setting: setting, label: naming.labels[setting] ?? setting.generator,
                            points: points.sorted { $0.meanDegreesOfFreedom < $1.meanDegreesOfFreedom },
                            style: GeneratorStyle.of(setting.generator), dash: dashes[setting] ?? "")
                 })
            }
        let counts = drawable.map(\.testAccuracy.count)
        let typicalCount = Dictionary(grouping: counts, by: { $0 }).max { ($0.value.count, $1.key) < ($1.value.count, $0.key) }?.key ?? 0
        let caption = (naming.caption.isEmpty ? "" : "Settings: \(naming.caption). ")
            + (Set(counts).count <= 1 ? "n = \(typicalCount) runs per point."
                                      : "n = \(typicalCount) runs per point unless marked n = k beside a point.")

        let legendWidth = 60 + Self.characterWidth * Double(labels.map(\.count).max() ?? 0)
        let width = max(Self.left + Self.plotWidth + Self.gap + legendWidth, Self.left + 20 + 6.0 * Double(caption.count))
        var body = "", height = 0.0
        for (index, panel) in panels.enumerated() {
            let legendHeight = Double(panel.series.count) * Self.legendRow + 10
            let panelHeight = Self.top + max(Self.plotHeight, legendHeight) + Self.bottom
            let means = panel.series.flatMap(\.points).map(\.testAccuracy.mean).filter(\.isFinite).map(Self.percent)
            for (part, range) in ([nil] + [Self.zoomRange(means)].compactMap { $0 }).enumerated() {
                body += "<g transform=\"translate(0,\(Self.format(height)))\">\n"
                body += drawPanel(model: panel.model, dataset: panel.dataset, series: panel.series, caption: caption,
                                  typicalCount: typicalCount, zoom: range, clipIdentifier: "plot\(index)-\(part)")
                body += "</g>\n"
                height += panelHeight
            }
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
    /// One panel; with `zoom`, its y axis spans only that range of percentages, and what lies
    /// outside is cut at the frame.
    private func drawPanel(model: String, dataset: String, series: [Series], caption: String, typicalCount: Int,
                           zoom: ClosedRange<Double>?, clipIdentifier: String) -> String {
        let points = series.flatMap(\.points)
        let x = Self.logAxis(dofs: points.map(\.meanDegreesOfFreedom))
        let means = points.map(\.testAccuracy.mean).filter(\.isFinite).map(Self.percent)
        let shown = zoom.map { range in means.filter(range.contains) } ?? means
        let spread = (shown.max() ?? 100) - (shown.min() ?? 0)
        let margin = max(0.25, 0.08 * spread)
        let y = Self.niceAxis(low: max(0, (shown.min() ?? 0) - margin), high: min(100, (shown.max() ?? 100) + margin))
        let plotLeft = Self.left, plotTop = Self.top, plotBottom = Self.top + Self.plotHeight
        func xPosition(_ dof: Double) -> Double {
            plotLeft + (log10(dof) - x.low) / (x.high - x.low) * Self.plotWidth
        }
        func yPosition(_ percent: Double) -> Double {
            plotBottom - (percent - y.low) / (y.high - y.low) * Self.plotHeight
        }
        let f = Self.format

        var out = "<text x=\"\(f(plotLeft))\" y=\"24\" font-size=\"16\" font-weight=\"bold\">"
            + "Test accuracy against degrees of freedom: \(model.xmlEscaped) on \(dataset.xmlEscaped)"
            + (zoom == nil ? "" : ", zoomed on the top") + "</text>\n"
        out += "<text x=\"\(f(plotLeft))\" y=\"42\" font-size=\"11\" fill=\"#555555\">"
            + "Points: mean test accuracy over finished runs at each budget; bars: 95% confidence interval (Student's t), cut at the axis.</text>\n"
        out += "<text x=\"\(f(plotLeft))\" y=\"58\" font-size=\"11\" fill=\"#555555\">\(caption.xmlEscaped)</text>\n"

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

        out += "<clipPath id=\"\(clipIdentifier)\"><rect x=\"\(f(plotLeft))\" y=\"\(f(plotTop))\" width=\"\(f(Self.plotWidth))\" "
            + "height=\"\(f(Self.plotHeight))\"/></clipPath>\n"
        let legendLeft = plotLeft + Self.plotWidth + Self.gap
        func clipped(_ percent: Double) -> Double { min(y.high, max(y.low, percent)) }
        for (index, line) in series.enumerated() {
            let dashAttribute = line.dash.isEmpty ? "" : " stroke-dasharray=\"\(line.dash)\""
            out += "<g stroke=\"\(line.style.colour)\" fill=\"\(line.style.colour)\" clip-path=\"url(#\(clipIdentifier))\">\n"
            // Bars of settings at one budget are dodged a few pixels apart so that none hides another.
            let dodge = (Double(index) - Double(series.count - 1) / 2) * 3
            for group in line.points where group.testAccuracy.halfWidth.isFinite {
                let position = xPosition(group.meanDegreesOfFreedom) + dodge
                let low = yPosition(clipped(Self.percent(group.testAccuracy.lowerBound)))
                let high = yPosition(clipped(Self.percent(group.testAccuracy.upperBound)))
                out += "<path d=\"M\(f(position)),\(f(low))V\(f(high))M\(f(position - 4)),\(f(low))H\(f(position + 4))"
                    + "M\(f(position - 4)),\(f(high))H\(f(position + 4))\" fill=\"none\"/>\n"
            }
            let coordinates = line.points.map {
                "\(f(xPosition($0.meanDegreesOfFreedom))),\(f(yPosition(Self.percent($0.testAccuracy.mean))))"
            }
            out += "<polyline points=\"\(coordinates.joined(separator: " "))\" fill=\"none\" stroke-width=\"2\"\(dashAttribute)/>\n"
            for group in line.points {
                let px = xPosition(group.meanDegreesOfFreedom), py = yPosition(Self.percent(group.testAccuracy.mean))
                out += line.style.markerSVG(x: px, y: py) + "\n"
                if group.testAccuracy.count != typicalCount {
                    out += "<text x=\"\(f(px + 6))\" y=\"\(f(py - 6))\" font-size=\"10\" stroke=\"none\">n = \(group.testAccuracy.count)</text>\n"
                }
            }
            out += "</g>\n<g stroke=\"\(line.style.colour)\" fill=\"\(line.style.colour)\">\n"
            let rowY = plotTop + 10 + Double(index) * Self.legendRow
            out += "<line x1=\"\(f(legendLeft))\" y1=\"\(f(rowY))\" x2=\"\(f(legendLeft + 28))\" y2=\"\(f(rowY))\" stroke-width=\"2\"\(dashAttribute)/>\n"
            out += line.style.markerSVG(x: legendLeft + 14, y: rowY) + "\n"
            out += "</g>\n"
            out += "<text x=\"\(f(legendLeft + 36))\" y=\"\(f(rowY + 4))\" font-size=\"12\">\(line.label.xmlEscaped)</text>\n"
        }
        return out
    }

    /// The range of a zoomed second panel, when most means sit near the top and a few far below
    /// would squeeze them into one line: the means within 3 points of the best, if they are at
    /// least half of all and the rest reach more than 10 points lower.
    private static func zoomRange(_ means: [Double]) -> ClosedRange<Double>? {
        guard let best = means.max(), let worst = means.min(), best - worst > 10 else { return nil }
        let top = means.filter { $0 >= best - 3 }
        guard top.count * 2 >= means.count, let low = top.min() else { return nil }
        return low...best
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

    /// A coordinate with two decimals: finer than any screen, and short.
    private static func format(_ value: Double) -> String {
        String(format: "%.2f", value)
    }
}
