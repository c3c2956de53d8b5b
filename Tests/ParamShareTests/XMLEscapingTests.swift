import ParamShare
import Testing

@Suite("XML escaping")
struct XMLEscapingTests {
    @Test("XML's five special characters are escaped, everything else is kept")
    func fiveCharacters() {
        #expect(#"a<b> & "c" 'd' ü%"#.xmlEscaped == "a&lt;b&gt; &amp; &quot;c&quot; &apos;d&apos; ü%")
        #expect("&amp;".xmlEscaped == "&amp;amp;")
    }
}
