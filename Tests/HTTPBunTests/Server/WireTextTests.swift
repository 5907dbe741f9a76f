@testable import HTTPBun
import Testing

@Suite("Wire texts: methods and versions MHD hands over")
struct WireTextTests {
    @Test(arguments: ["GET", "POST", "HEAD", "PUT", "GETX", "G", "PO", "HEADER", "", "PROPFIND", "get"])
    func methodsComeBackAsSent(method: String) {
        #expect(method.withCString { WireText.method($0) } == method)
    }

    @Test(arguments: ["Host", "User-Agent", "Accept", "Content-Length", "Cookie"])
    func commonHeaderNamesComeBackAsLiterals(name: String) {
        #expect(Array(name.utf8).withUnsafeBytes { WireText.commonHeaderName($0) } == name)
    }

    /// Other spellings are not common names: they are made as sent, and checked as tokens.
    @Test(arguments: ["host", "HOST", "Accepts", "Accep", "X-Custom", "", "caf\u{E9}", "Host "])
    func otherHeaderNamesAreNotCommon(name: String) {
        #expect(Array(name.utf8).withUnsafeBytes { WireText.commonHeaderName($0) } == nil)
    }

    @Test(arguments: ["HTTP/1.1", "HTTP/1.0", "HTTP/1.10", ""])
    func versionsComeBackAsSent(version: String) {
        #expect(version.withCString { WireText.version($0) } == version)
    }
}
