import CNumerics

/// GSL's process-wide error policy.
enum GSLErrors {
    // GSL's default handler calls abort() on any domain error, which would kill a whole sweep;
    // ParamShare checks every status code instead.
    private static let handlerDisabled: Bool = {
        gsl_set_error_handler_off()
        return true
    }()

    /// Makes GSL return error codes instead of aborting. Idempotent and thread-safe.
    static func disableAbortingHandler() {
        _ = handlerDisabled
    }
}
