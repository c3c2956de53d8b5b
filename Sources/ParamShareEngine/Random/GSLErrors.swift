import CNumerics

/// GSL's process-wide error policy, set in this one place for the engine and the analysis alike.
public enum GSLErrors {
    // GSL's default handler calls abort() on any domain error, which would kill a whole sweep;
    // ParamShare checks every status code instead.
    private static let handlerDisabled: Bool = {
        gsl_set_error_handler_off()
        return true
    }()

    /// Makes GSL return error codes instead of aborting. Idempotent and thread-safe; call it
    /// before any GSL routine that can fail.
    public static func disableAbortingHandler() {
        _ = handlerDisabled
    }
}
