/// The library's version, recorded in every results row so that numbers can be traced to code.
package enum ParamShareVersion {
    package static let current = "0.1.0"
}
