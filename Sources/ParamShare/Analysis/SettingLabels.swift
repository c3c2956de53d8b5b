/// Short names for the settings of one table or figure, with what they leave out in a caption.
///
/// A full label (`rpg (permutation=on, signs=on, variant=global, scope=global)`) repeats what
/// every line shares. Here a setting is named by its generator, plus only the options (and
/// scope, stem and classifier choices) that differ between the settings shown; the shared values
/// go once into a caption, so that a legend stays short and nothing is hidden.
package struct SettingLabels: Sendable {
    /// The short label of each setting.
    package var labels: [RunSetting: String]
    /// The values the labels leave out, one clause per generator: `rpg: permutation=on, signs=on; scope=global`.
    package var caption: String

    package init(_ settings: [RunSetting]) {
        let settings = Array(Set(settings)).sorted()
        var labels: [RunSetting: String] = [:]
        var clauses: [String] = []
        for (generator, group) in Dictionary(grouping: settings, by: \.generator).sorted(by: { $0.key < $1.key }) {
            let options = Array(Set(group.flatMap(\.ownOptionValues.keys))).sorted()
            let varying = options.filter { option in Set(group.map { $0.ownOptionValues[option] }).count > 1 }
            let shared = options.filter { !varying.contains($0) }.map { "\($0)=\(group[0].ownOptionValues[$0]!)" }
            if !shared.isEmpty { clauses.append("\(generator): " + shared.joined(separator: ", ")) }
            for setting in group {
                let details = varying.map { "\($0)=\(setting.ownOptionValues[$0] ?? RunsTableLayout.notApplicable)" }
                labels[setting] = details.isEmpty ? generator : "\(generator) \(details.joined(separator: " "))"
            }
        }
        // Scope and the stem and classifier choices apply to every shared setting alike.
        // They are compared as the table spells them, as the labels and captions name them.
        let shared = settings.filter { $0.scope != nil }
        for (index, name) in ["scope", "generated stem", "generated classifier", "bank", "bank step"].enumerated() {
            let values = Set(shared.map { $0.sharingTexts[index] })
            if values.count > 1 {
                for setting in shared { labels[setting]! += " \(name)=\(setting.sharingTexts[index])" }
            } else if let only = values.first, name == "scope" || only == String(true) || only == BankTraining.frozen.rawValue
                        || (name == "bank step" && only != BankStepScaling.none.rawValue) {
                clauses.append(name == "generated stem" || name == "generated classifier" ? name : "\(name)=\(only)")
            }
        }
        // Recipes that differ between the settings shown are named too, so no two lines share a label.
        for column in RunSetting.recipeColumns where Set(settings.map { $0.recipe[column] }).count > 1 {
            for setting in settings { labels[setting]! += " \(column)=\(setting.recipe[column] ?? RunsTableLayout.notApplicable)" }
        }
        self.labels = labels
        caption = clauses.joined(separator: "; ")
    }
}

extension RunSetting {
    /// This setting's own options by name without the generator's prefix (`signs` → `on`); `none` values left out.
    package var ownOptionValues: [String: String] {
        var values: [String: String] = [:]
        for (column, value) in options where column.hasPrefix(generator + ".") && value != RunsTableLayout.notApplicable {
            values[String(column.dropFirst(generator.count + 1))] = value
        }
        return values
    }
}
