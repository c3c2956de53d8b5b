import Foundation

extension Architecture {
    /// What `--models` accepts, for messages.
    package static let namesAccepted = "mlp (or mlp-W1-W2-… for other hidden widths), lenet5, resnetD with D = 6n+2 "
        + "(resnet8, resnet20, resnet56), resnet18, resnet34, resnetDxK for K× width"

    /// Parses a comma-separated list of model names, such as `mlp,lenet5,resnet20`.
    ///
    /// - Throws: `GridError` for an empty list or an unknown name.
    public static func list(parsing text: String) throws -> [Architecture] {
        let names = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard names.contains(where: { !$0.isEmpty }) else { throw GridError("no model named; use \(namesAccepted)") }
        return try names.map { name in
            guard let architecture = Architecture(name: name) else {
                throw GridError("unknown model '\(name)'; use \(namesAccepted)")
            }
            if let problem = architecture.sizeProblem { throw GridError("model '\(name)': \(problem)") }
            return architecture
        }
    }
}
