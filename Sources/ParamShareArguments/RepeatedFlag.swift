import ArgumentParser

/// A flag given twice that takes one value: argument-parser keeps the last silently, so that
/// `--epochs 1 … --epochs 90` trains one epoch or ninety depending on the order, unsaid.
///
/// `sweep` and the notebooks refuse it before parsing, through ``check(_:gathering:)``.
package enum RepeatedFlag {
    /// The first flag of `arguments` (the command line after the program's name) given a second
    /// time, as typed the second time, among those not in `gathering` (the flags that take one
    /// value per use and gather them, `@Option var …: [T]`: the only ones that may be given
    /// twice); `nil` if there is none.
    package static func first(in arguments: [String], gathering: Set<String> = []) -> String? {
        var seen = Set<String>()
        // After `--` everything is a value; a flag's value may itself start with `-` (`--shard -1/2`), never with `--`.
        for argument in arguments.prefix(while: { $0 != "--" }) where argument.hasPrefix("--") {
            let name = String(argument.prefix { $0 != "=" })
            if !gathering.contains(name), !seen.insert(name).inserted { return name }
        }
        return nil
    }

    /// Refuses `arguments` when ``first(in:gathering:)`` finds a repeated flag; `listExample`, a
    /// flag of the command that takes a list in one value, shows the way to give several values
    /// (`nil` for a command none of whose flags takes a list).
    package static func check(_ arguments: [String], gathering: Set<String> = [], listExample: String? = "--seeds 0,1,2") throws {
        if let flag = first(in: arguments, gathering: gathering) {
            throw ValidationError("\(flag) is given twice, and it takes one value: the later would silently replace the earlier. Give it once"
                                  + (listExample.map { "; a list, such as \($0), goes in that one value" } ?? "."))
        }
    }
}
