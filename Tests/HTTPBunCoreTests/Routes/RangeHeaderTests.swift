@testable import HTTPBunCore
import Testing

@Suite("Range header parsing")
struct RangeHeaderTests {
    @Test("single, open, suffix and listed ranges parse as written")
    func parse() {
        #expect(RangeHeader.parse("bytes=0-9") == [.from(0, through: 9)])
        #expect(RangeHeader.parse("bytes=10-") == [.from(10, through: nil)])
        #expect(RangeHeader.parse("bytes=-5") == [.suffix(5)])
        #expect(RangeHeader.parse("Bytes = 0-0 , -1,,5-") == [.from(0, through: 0), .suffix(1), .from(5, through: nil)])
        #expect(RangeHeader.parse("bytes=99999999999999999999999-") == [.from(Int.max, through: nil)])
    }

    @Test("malformed headers and other units are nil, so the server ignores them")
    func malformed() {
        for bad in ["", "bytes", "bytes=", "bytes=,", "bytes=abc", "bytes=5-2", "bytes=-", "bytes=1-2-3", "bytes=+1-2",
                    "bytes=1 -2", "lines=0-9", "bytes 0-9", "bytes=0x1-2", "bytes=0-9,x"] {
            #expect(RangeHeader.parse(bad) == nil, "\(bad)")
        }
    }

    @Test("resolution against a length: partial, clamped, unsatisfiable, or full")
    func resolve() {
        #expect(RangeHeader.resolve(nil, length: 100) == .full)
        #expect(RangeHeader.resolve("bytes=0-9", length: 100) == .partial(0...9))
        #expect(RangeHeader.resolve("bytes=10-", length: 100) == .partial(10...99))
        #expect(RangeHeader.resolve("bytes=-5", length: 100) == .partial(95...99))
        #expect(RangeHeader.resolve("bytes=-500", length: 100) == .partial(0...99), "a suffix longer than the body is all of it")
        #expect(RangeHeader.resolve("bytes=90-200", length: 100) == .partial(90...99), "last clamped to the end")
        #expect(RangeHeader.resolve("bytes=99-99", length: 100) == .partial(99...99))
        #expect(RangeHeader.resolve("bytes=100-", length: 100) == .unsatisfiable)
        #expect(RangeHeader.resolve("bytes=-0", length: 100) == .unsatisfiable)
        #expect(RangeHeader.resolve("bytes=99999999999999999999999-", length: 100) == .unsatisfiable)
        #expect(RangeHeader.resolve("bytes=200-300, 5-6", length: 100) == .partial(5...6), "first satisfiable one")
        #expect(RangeHeader.resolve("bytes=0-1, 5-6", length: 100) == .partial(0...1))
        #expect(RangeHeader.resolve("bytes=5-2", length: 100) == .full, "malformed: ignored")
        #expect(RangeHeader.resolve("items=0-1", length: 100) == .full)
        #expect(RangeHeader.resolve("bytes=0-1", length: 0) == .full, "nothing to point at in an empty body")
    }
}
