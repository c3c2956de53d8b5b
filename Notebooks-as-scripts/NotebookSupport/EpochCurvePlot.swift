import Foundation
import ParamShare

/// A line chart of mean test accuracy by epoch, one line per curve, with a dotted target line.
package struct EpochCurvePlot {
    package var title: String
    package var curves: [EpochCurves.Curve]
    /// A horizontal reference line and its legend text, such as dense's epoch-5 accuracy.
    package var target: (accuracy: Double, label: String)?

    package init(title: String, curves: [EpochCurves.Curve], target: (accuracy: Double, label: String)? = nil) {
        self.title = title
        self.curves = curves
        self.target = target
    }

    /// Distinct colours, in curve order (Okabe and Ito's palette, readable by colour-blind readers).
    private static let palette = ["#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999"]

    package func svg() -> String {
        let series = curves.map { ($0.label, $0.means.map { (Double($0.epoch), $0.estimate.mean * 100) }) }
        let points = series.flatMap(\.1) + (target.map { [(1.0, $0.accuracy * 100)] } ?? [])
        guard let lastEpoch = points.map(\.0).max(), let low = points.map(\.1).min(), let high = points.map(\.1).max() else {
            return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>\n"
        }
        let yLow = (low / 10).rounded(.down) * 10, yHigh = (high / 10).rounded(.up) * 10
        let (left, top, width, height, legendWidth) = (60.0, 40.0, 480.0, 300.0, 230.0)
        func x(_ epoch: Double) -> Double { left + (epoch - 1) / max(1, lastEpoch - 1) * width }
        func y(_ percent: Double) -> Double { top + (yHigh - percent) / max(1, yHigh - yLow) * height }
        func f(_ value: Double) -> String { String(format: "%.1f", value) }
        var svg = ["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(left + width + legendWidth + 20))\" height=\"\(Int(top + height + 50))\" "
                   + "font-family=\"sans-serif\" font-size=\"12\">",
                   "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
                   "<text x=\"\(f(left))\" y=\"20\" font-size=\"14\">\(title.xmlEscaped)</text>"]
        for percent in stride(from: yLow, through: yHigh, by: 10) {
            svg.append("<line x1=\"\(f(left))\" x2=\"\(f(left + width))\" y1=\"\(f(y(percent)))\" y2=\"\(f(y(percent)))\" stroke=\"#ddd\"/>")
            svg.append("<text x=\"\(f(left - 8))\" y=\"\(f(y(percent) + 4))\" text-anchor=\"end\">\(Int(percent))</text>")
        }
        for epoch in 1...Int(lastEpoch) {
            svg.append("<text x=\"\(f(x(Double(epoch))))\" y=\"\(f(top + height + 18))\" text-anchor=\"middle\">\(epoch)</text>")
        }
        svg.append("<text x=\"\(f(left + width / 2))\" y=\"\(f(top + height + 40))\" text-anchor=\"middle\">epoch</text>")
        svg.append("<text transform=\"translate(18 \(f(top + height / 2))) rotate(-90)\" text-anchor=\"middle\">test accuracy % (mean over seeds)</text>")
        var legend = 0
        func legendEntry(_ text: String, colour: String, dashed: Bool) {
            let ly = top + 10 + Double(legend) * 18
            svg.append("<line x1=\"\(f(left + width + 20))\" x2=\"\(f(left + width + 44))\" y1=\"\(f(ly))\" y2=\"\(f(ly))\" stroke=\"\(colour)\" "
                       + "stroke-width=\"2\"\(dashed ? " stroke-dasharray=\"4 3\"" : "")/>")
            svg.append("<text x=\"\(f(left + width + 50))\" y=\"\(f(ly + 4))\">\(text.xmlEscaped)</text>")
            legend += 1
        }
        if let target {
            svg.append("<line x1=\"\(f(left))\" x2=\"\(f(left + width))\" y1=\"\(f(y(target.accuracy * 100)))\" y2=\"\(f(y(target.accuracy * 100)))\" "
                       + "stroke=\"#888\" stroke-dasharray=\"4 3\"/>")
            legendEntry(target.label, colour: "#888", dashed: true)
        }
        for (index, (label, line)) in series.enumerated() {
            let colour = Self.palette[index % Self.palette.count]
            svg.append("<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"" + line.map { "\(f(x($0.0))),\(f(y($0.1)))" }.joined(separator: " ") + "\"/>")
            legendEntry(label, colour: colour, dashed: false)
        }
        svg.append("</svg>")
        return svg.joined(separator: "\n") + "\n"
    }
}
