/// The library's version, recorded in every results row so that numbers can be traced to code.
public enum ParamShareVersion {
    public static let current = "0.1.0"
}
