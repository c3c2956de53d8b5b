@testable import ParamShare
import Testing

@Suite("Parent folder")
struct ParentFolderTests {
    @Test("a path's folder part, as Foundation's deletingLastPathComponent gives it, one-character names included",
          arguments: [("ab", ""), ("m/x", "m"), ("./m", "."), ("a/b/c", "a/b"), ("abc/", ""), ("/", "/"), ("/m", "/"), ("a//b", "a"),
                      ("", ""), ("..", ""), ("m", ""), ("x/", ""), (".", ""), ("m/", ""), ("runs/m", "runs")])
    func folderPart(path: String, folder: String) {
        #expect(path.parentFolder == folder)
    }
}
