import Testing

@testable import HTTPWire

@Suite("HTTP dates, written and read")
struct HTTPDateTests {
    @Test("IMF-fixdate for times before and after 1970")
    func format() {
        #expect(HTTPDate.format(secondsSinceEpoch: 784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.format(secondsSinceEpoch: 0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDate.format(secondsSinceEpoch: -1) == "Wed, 31 Dec 1969 23:59:59 GMT")
        #expect(HTTPDate.format(secondsSinceEpoch: 951_782_400) == "Tue, 29 Feb 2000 00:00:00 GMT")
    }

    @Test("the three HTTP-date forms and cookie-date leniency read as the same second")
    func parse() {
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777)
        #expect(HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT") == 784_111_777)
        #expect(HTTPDate.parse("Sun Nov  6 08:49:37 1994") == 784_111_777)
        #expect(HTTPDate.parse("6 nov 1994 8:49:37") == 784_111_777)
        #expect(HTTPDate.parse("Sun, 06 Nov 1994") == nil, "no time")
        #expect(HTTPDate.parse("Sun, 32 Nov 1994 08:49:37 GMT") == nil)
        #expect(HTTPDate.parse("not a date") == nil)
        #expect(HTTPDate.parse("") == nil)
    }

    @Test("the civil-date arithmetic round-trips every day from 1601 to 2400")
    func civilRoundTrip() {
        let first = HTTPDate.daysSinceEpoch(year: 1601, month: 1, day: 1)
        let last = HTTPDate.daysSinceEpoch(year: 2400, month: 12, day: 31)
        var previous: (year: Int64, month: Int, day: Int)?
        for day in first...last {
            let date = HTTPDate.civilDate(daysSinceEpoch: Int64(day))
            #expect(HTTPDate.daysSinceEpoch(year: Int(date.year), month: date.month, day: date.day) == day)
            if let previous { #expect(date.day == previous.day + 1 || date.day == 1) }
            previous = date
        }
        #expect(HTTPDate.civilDate(daysSinceEpoch: Int64(HTTPDate.daysSinceEpoch(year: 2024, month: 2, day: 29))) == (2024, 2, 29))
    }

    @Test("format then parse gives the second back")
    func roundTrip() {
        for seconds: Int64 in [0, 1, 86_399, 784_111_777, 1_767_225_600, 4_102_444_799] {
            #expect(HTTPDate.parse(HTTPDate.format(secondsSinceEpoch: seconds)) == seconds)
        }
    }
}
