/// What a ``TrainingIntervention`` carries from one step to the next (a pruning schedule's
/// masks and its step count), kept in a ``TrainingSnapshot`` so that a resumed run continues
/// the intervention exactly where it stopped.
///
/// Tensors and numbers rather than an encoding of the intervention's own choosing, so that a
/// snapshot stays a plain safetensors file that Python reads like any other.
public struct InterventionState: Equatable, Sendable {
    /// Tensors by name, such as a mask per weight tensor.
    public var tensors: [String: SafetensorsFile.Entry]
    /// Numbers by name, such as a step count; stored so that they read back bit for bit.
    public var numbers: [String: Double]

    public init(tensors: [String: SafetensorsFile.Entry] = [:], numbers: [String: Double] = [:]) {
        self.tensors = tensors
        self.numbers = numbers
    }

    /// Why a saved state does not fit the intervention asked to take it up.
    public struct Mismatch: Error, CustomStringConvertible {
        /// What does not fit, in words.
        public var description: String

        /// A mismatch described by `description`.
        public init(_ description: String) {
            self.description = description
        }
    }
}
