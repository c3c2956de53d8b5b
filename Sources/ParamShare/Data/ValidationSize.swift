import Foundation

/// How many training images a sweep holds out for validation: a count, or a share of the
/// training file's images.
///
/// Settings are chosen on these images, never on the test set, so that the test accuracy of
/// a tuned method stays an honest estimate.
public enum ValidationSize: Sendable, Hashable, CustomStringConvertible {
    /// Exactly this many images.
    case count(Int)
    /// This share, in (0, 1), of the training file's images, rounded to the nearest image.
    case fraction(Double)

    /// Parses `5000` or `10%`.
    ///
    /// - Throws: `ValidationSizeError` for anything else, a count below 1 or a share outside (0 %, 100 %).
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix("%") {
            guard let percent = Double(trimmed.dropLast()), percent > 0, percent < 100 else {
                throw ValidationSizeError(text: text, detail: "a share must be above 0 % and below 100 %")
            }
            self = .fraction(percent / 100)
        } else {
            guard let count = Int(trimmed), count >= 1 else {
                throw ValidationSizeError(text: text, detail: "write a count of images (5000) or a share of the training images (10%)")
            }
            self = .count(count)
        }
    }

    /// The number of images this size holds out of a training file of `total` images.
    package func images(of total: Int) -> Int {
        switch self {
        case let .count(count): count
        case let .fraction(share): Int((share * Double(total)).rounded())
        }
    }

    /// `5000` or `10%`, as parsed.
    public var description: String {
        switch self {
        case let .count(count): String(count)
        case let .fraction(share): (share * 100).plainDecimal + "%"
        }
    }
}

/// Why a validation size was refused: the text and what a valid one looks like.
package struct ValidationSizeError: Error, CustomStringConvertible, Equatable {
    package var text: String
    package var detail: String

    package var description: String { "'\(text)' is not a validation size: \(detail)" }
}
