import ParamShare
import ParamShareEngine

/// Multi-hashing, in the spirit of count sketches and hash embeddings: every generated weight is
/// the signed sum of `hashes` bank entries, scaled by 1/√hashes and by its layer's multiplier,
/// `w_i = s_l / √k · Σ_j ε_j(i) · bank[h_j(i)]`.
///
/// With one hash it is HashedNets drawn from a table; with more, two weights that collide in
/// one entry rarely collide in all of them, so the bank's entries are shared more finely. The
/// entries and signs are drawn once from the planning `RandomSource` (so the run's seed fixes
/// them) and packed as ParamShare's `SignedBankEntry`; all per-weight work goes through
/// `BankKernels`, which are specialised, so the generator trains at the speed of the built-ins.
public struct MultiHashGenerator: ParameterGenerator {
    /// Bank entries summed into each weight.
    public var hashes: Int

    public init(hashes: Int = 2) {
        self.hashes = hashes
    }

    /// How sweeps name and configure it.
    public static let descriptor = GeneratorDescriptor(
        name: "multihash",
        summary: "each weight the signed sum of k hashed bank entries (count-sketch style)",
        options: [.integer("hashes", in: 1...4, default: 2, help: "bank entries summed into each weight")]
    ) { options in MultiHashGenerator(hashes: options.integer("hashes")) }

    public func plan<Scalar: EngineScalar>(layers: [GeneratedLayer], budget: Int, random: RandomSource,
                                           as scalar: Scalar.Type) throws -> any GeneratorPlan<Scalar> {
        guard budget >= 1, budget <= SignedBankEntry.largestIndex + 1 else {
            throw BudgetError(budget: "\(budget)", detail: "a multi-hash bank holds 1 to \(SignedBankEntry.largestIndex + 1) entries")
        }
        // One table per hash and layer: entry and sign of every weight, uniform and independent.
        let tables = (0..<hashes).map { _ in
            layers.map { layer in
                (0..<layer.count).map { _ in
                    SignedBankEntry.pack(index: random.integer(below: budget), negative: random.sign() < 0)
                }
            }
        }
        return MultiHashPlan<Scalar>(bankSize: budget, tables: tables, scaling: BankScaling(layers: layers))
    }
}

/// A ``MultiHashGenerator`` laid out over its layers.
final class MultiHashPlan<Scalar: EngineScalar>: GeneratorPlan {
    let bankSize: Int
    /// `tables[j][l]`: hash j's packed entries for layer l.
    private let tables: [[[UInt32]]]
    private let scaling: BankScaling

    init(bankSize: Int, tables: [[[UInt32]]], scaling: BankScaling) {
        self.bankSize = bankSize
        self.tables = tables
        self.scaling = scaling
    }

    private func scale(ofLayer layer: Int) -> Scalar {
        Scalar(scaling.layerScales[layer] / Double(tables.count).squareRoot())
    }

    func initializeBank(_ bank: Tensor<Scalar>, random: RandomSource) {
        BankKernels.fillGaussian(bank.data, count: bank.count, standardDeviation: scaling.bankStandardDeviation, random: random)
    }

    func generate(layer: Int, from bank: Tensor<Scalar>, into weight: Tensor<Scalar>) {
        let scale = scale(ofLayer: layer)
        tables[0][layer].withUnsafeBufferPointer { entries in
            BankKernels.gatherSigned(bank.data, entries: entries.baseAddress!, scale: scale, into: weight.data, count: weight.count)
        }
        guard tables.count > 1 else { return }
        // Each further hash's term goes through a temporary buffer, so the plan keeps no state.
        withUnsafeTemporaryAllocation(of: Scalar.self, capacity: weight.count) { buffer in
            for table in tables.dropFirst() {
                table[layer].withUnsafeBufferPointer { entries in
                    BankKernels.gatherSigned(bank.data, entries: entries.baseAddress!, scale: scale, into: buffer.baseAddress!,
                                             count: weight.count)
                }
                addScaled(buffer.baseAddress!, times: 1, into: weight.data, count: weight.count)
            }
        }
    }

    func accumulateBankGradient(layer: Int, weightGradient: Tensor<Scalar>, at bank: Tensor<Scalar>,
                                into bankGradient: Tensor<Scalar>) {
        let scale = scale(ofLayer: layer)
        for table in tables {
            table[layer].withUnsafeBufferPointer { entries in
                BankKernels.scatterAddSigned(weightGradient.data, entries: entries.baseAddress!, scale: scale,
                                             into: bankGradient.data, count: weightGradient.count)
            }
        }
    }
}
