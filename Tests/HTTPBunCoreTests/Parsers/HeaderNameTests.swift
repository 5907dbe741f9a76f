import Testing

@testable import HTTPBunCore

@Suite("Header names: canonical form and case-insensitive comparison")
struct HeaderNameTests {
    @Test(arguments: [
        ("x-custom-header", "X-Custom-Header"),
        ("HOST", "Host"),
        ("content-TYPE", "Content-Type"),
        ("User-Agent", "User-Agent"),
        ("x_under_score", "X_under_score"),
        ("-x", "-X"),
        ("a--b", "A--B"),
        ("", ""),
        // Go leaves a name that is not a token as it is.
        ("bad header", "bad header"),
        ("caf\u{E9}-x", "caf\u{E9}-x"),
        // Longer than a small string: the copy path.
        ("x-a-much-longer-header-name-than-fifteen-bytes", "X-A-Much-Longer-Header-Name-Than-Fifteen-Bytes"),
    ])
    func canonicalForm(name: String, canonical: String) {
        #expect(name.canonicalHeaderName == canonical)
        #expect(name[...].canonicalHeaderName == canonical)
    }

    @Test func comparesASCIILettersWithoutCase() {
        #expect("Content-Type".equalsASCIICaseInsensitive("content-type"))
        #expect("X-A-Much-Longer-Header-Name".equalsASCIICaseInsensitive("x-a-much-longer-header-name"))
        #expect(!"Content-Type".equalsASCIICaseInsensitive("content-typ"))
        #expect(!"Content-Type".equalsASCIICaseInsensitive("Content-Typf"))
        // Only ASCII folds: É and é differ, as in HTTP's token rules.
        #expect(!"\u{C9}".equalsASCIICaseInsensitive("\u{E9}"))
        // `[` (0x5B) and `{` (0x7B) differ by 32 too, but are not letters.
        #expect(!"a[".equalsASCIICaseInsensitive("a{"))
        #expect("Host".dropFirst().equalsASCIICaseInsensitive("OST"))
    }
}
