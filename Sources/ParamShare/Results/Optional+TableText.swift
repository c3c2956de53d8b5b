extension Optional where Wrapped: RawRepresentable, Wrapped.RawValue == String {
    /// The setting as a table spells it: its raw value, or `none` where it does not apply, so
    /// that typed settings are written exactly as the tables always held them.
    var tableText: String { self?.rawValue ?? RunSchema.notApplicable }
}
