import Foundation
@testable import ParamShare
import TestSupport
import Testing

/// A plan is declared once: unchanged it is accepted, changed before any run it is rewritten,
/// changed after runs exist it is refused, unless the change only adds exploratory seeds.
@Suite("Study plan")
struct StudyPlanTests {
    private static let plan = StudyPlan(
        claim: "C9", statement: "a beats b", table: "runs.csv", measure: "test_accuracy", unit: "points", unitScale: 100,
        arms: [StudyPlan.Arm("a", rows: ["generator": "a"]), StudyPlan.Arm("b", rows: ["generator": "b"])], budgets: ["10%"], seeds: [0, 1, 2],
        comparisons: [StudyPlan.Comparison("a", minus: "b", StudyPlan.Prediction(.greater, margin: 0.01), family: "C9", test: .welch, part: "10 %")],
        marginReason: "one point")

    @Test("a plan changed after runs exist is refused with the file and the fix; before runs it is rewritten")
    func refusal() throws {
        try ScratchDirectory.with("study-plan") { folder in
            let path = folder + "/c9/plan.json"
            try Self.plan.commit(toFile: path, runsExist: false)
            try Self.plan.commit(toFile: path, runsExist: true)
            #expect(try JSONDecoder().decode(StudyPlan.self, from: Data(contentsOf: URL(fileURLWithPath: path))) == Self.plan)

            var changed = Self.plan
            changed.comparisons[0].test = .paired
            let error = #expect(throws: FileError.self) { try changed.commit(toFile: path, runsExist: true) }
            #expect(error?.description.contains(path) == true && error?.description.contains("Restore the plan") == true)
            #expect(try JSONDecoder().decode(StudyPlan.self, from: Data(contentsOf: URL(fileURLWithPath: path))) == Self.plan)

            try changed.commit(toFile: path, runsExist: false)
            #expect(try JSONDecoder().decode(StudyPlan.self, from: Data(contentsOf: URL(fileURLWithPath: path))) == changed)
        }
    }

    @Test("seeds added as an exploratory set are accepted after runs exist; confirmatory seeds added are not")
    func exploratorySeeds() throws {
        try ScratchDirectory.with("study-plan") { folder in
            let path = folder + "/plan.json"
            try Self.plan.commit(toFile: path, runsExist: false)
            var explored = Self.plan
            explored.exploratory = [StudyPlan.SeedSet(label: "seeds 3 and 4", seeds: [3, 4], reason: "three seeds left a tie")]
            try explored.commit(toFile: path, runsExist: true)
            var widened = explored
            widened.seeds = [0, 1, 2, 3, 4]
            #expect(throws: FileError.self) { try widened.commit(toFile: path, runsExist: true) }
        }
    }

    @Test("the JSON is key-sorted and round-trips")
    func json() throws {
        let text = String(decoding: try Self.plan.json(), as: UTF8.self)
        #expect(text.firstRange(of: "\"alpha\"")!.lowerBound < text.firstRange(of: "\"arms\"")!.lowerBound)
        #expect(try JSONDecoder().decode(StudyPlan.self, from: Self.plan.json()) == Self.plan)
    }

    @Test("samples: an arm's rows by column, empty measures skipped, a repeated seed refused")
    func samples() throws {
        let text = "generator,seed,test_accuracy\na,0,0.5\na,1,\nb,0,0.4\nb,1,0.45\n"
        let samples = try Self.plan.samples(from: CSVReader.parse(text, source: "t.csv"))
        #expect(samples["a"] == [0: 0.5] && samples["b"] == [0: 0.4, 1: 0.45])
        #expect(throws: FileError.self) { try Self.plan.samples(from: CSVReader.parse(text + "b,1,0.46\n", source: "t.csv")) }
        #expect(throws: FileError.self) { try Self.plan.samples(from: CSVReader.parse("model,seed,test_accuracy\n", source: "t.csv")) }
    }
}
