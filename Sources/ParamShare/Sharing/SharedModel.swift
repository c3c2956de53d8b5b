import ParamShareEngine

/// A network whose generated layers draw from shared banks.
package struct SharedModel<Scalar: EngineScalar> {
    package var network: Sequential<Scalar>
    package var banks: [SharedBank<Scalar>]
    package var degreesOfFreedom: DegreesOfFreedom
}
