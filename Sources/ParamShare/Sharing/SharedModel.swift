import ParamShareEngine

/// A network whose generated layers draw from shared banks.
public struct SharedModel<Scalar: EngineScalar> {
    public var network: Sequential<Scalar>
    public var banks: [SharedBank<Scalar>]
    public var degreesOfFreedom: DegreesOfFreedom
}
