import Foundation

/// The colour and marker of a generator in every figure, keyed by its name.
///
/// Keyed by name rather than by position in a sorted list, so that RPG is the same blue square
/// in every panel, every figure and every paper, whichever other generators are plotted beside
/// it. Built-in generators have fixed styles from Okabe and Ito's colour-blind-safe palette;
/// any other name gets one of the remaining styles by a stable hash of the name.
package struct GeneratorStyle: Sendable, Equatable {
    /// A marker shape.
    package enum Marker: String, Sendable, CaseIterable {
        case circle, square, triangle, diamond, invertedTriangle, cross, star, pentagon
    }

    package var colour: String
    package var marker: Marker

    private static let builtIn: [String: GeneratorStyle] = [
        "dense": GeneratorStyle(colour: "#000000", marker: .square),
        "rpg": GeneratorStyle(colour: "#0072B2", marker: .circle),
        "hashing": GeneratorStyle(colour: "#D55E00", marker: .triangle),
        "projection": GeneratorStyle(colour: "#009E73", marker: .diamond),
        "lowrank": GeneratorStyle(colour: "#CC79A7", marker: .invertedTriangle),
        "pruned": GeneratorStyle(colour: "#E69F00", marker: .cross),
        "width": GeneratorStyle(colour: "#56B4E9", marker: .star),
    ]

    private static let others = [
        GeneratorStyle(colour: "#8C564B", marker: .pentagon), GeneratorStyle(colour: "#7F7F7F", marker: .cross),
        GeneratorStyle(colour: "#BCBD22", marker: .star), GeneratorStyle(colour: "#17BECF", marker: .pentagon),
    ]

    /// The style of the generator called `name`.
    package static func of(_ name: String) -> GeneratorStyle {
        if let style = builtIn[name] { return style }
        return others[Int(FNV1a.hash(of: name) % UInt64(others.count))]
    }

    /// The marker as SVG, centred on (x, y), with radius about `r`.
    package func markerSVG(x: Double, y: Double, r: Double = 4) -> String {
        func f(_ value: Double) -> String { String(format: "%.2f", value) }
        func polygon(_ points: [(Double, Double)]) -> String {
            "<polygon points=\"" + points.map { "\(f(x + $0.0 * r)),\(f(y + $0.1 * r))" }.joined(separator: " ") + "\"/>"
        }
        switch marker {
        case .circle: return "<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"\(f(r))\"/>"
        case .square: return polygon([(-0.85, -0.85), (0.85, -0.85), (0.85, 0.85), (-0.85, 0.85)])
        case .triangle: return polygon([(0, -1.1), (1, 0.75), (-1, 0.75)])
        case .invertedTriangle: return polygon([(0, 1.1), (1, -0.75), (-1, -0.75)])
        case .diamond: return polygon([(0, -1.2), (1, 0), (0, 1.2), (-1, 0)])
        case .cross:
            return "<path d=\"M\(f(x - r)),\(f(y - r))L\(f(x + r)),\(f(y + r))M\(f(x - r)),\(f(y + r))L\(f(x + r)),\(f(y - r))\" fill=\"none\" stroke-width=\"2\"/>"
        case .star, .pentagon:
            let points = (0..<(marker == .star ? 10 : 5)).map { k -> (Double, Double) in
                let angle = -Double.pi / 2 + Double(k) * (marker == .star ? Double.pi / 5 : 2 * Double.pi / 5)
                let radius = marker == .star && k % 2 == 1 ? 0.45 : 1.1
                return (radius * cos(angle), radius * sin(angle))
            }
            return polygon(points)
        }
    }
}

