// Only `import Requests`, as a newcomer writes it: `JSON` must come with it (issue 21).
import Requests
import Testing

@Suite struct ImportRequestsOnlyTests {
    @Test func jsonComesWithImportRequests() throws {
        let payload: JSON = ["name": "swift", "tags": ["a", "b"]]
        #expect(payload["name"]?.stringValue == "swift")
        #expect(try JSON.parse(Array(#"{"n": 1}"#.utf8))["n"] == 1)
    }
}
