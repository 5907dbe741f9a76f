@testable import HTTPBunCore
import JSONValue
import Synchronization
import Testing

@Suite("Request journal: the ring, its filters and entry JSON, no socket")
struct JournalRingTests {
    private func add(
        _ ring: inout JournalRing, _ method: String = "GET", _ target: String, headers: HTTPHeaders = ["Host": "x"],
        body: [UInt8] = [], time: Double = 1_767_225_600, status: Int = 200
    ) {
        ring.append(time: time, client: "127.0.0.1", method: method, target: target, headers: headers, body: body, status: status, responseBytes: 10)
    }

    @Test("ids increase from 1 and are never reused, not even after a clear")
    func ids() {
        var ring = JournalRing(entryLimit: 10, byteLimit: 1 << 20)
        add(&ring, "GET", "/a")
        add(&ring, "GET", "/b")
        #expect(ring.page(JournalFilter()).entries.map(\.id) == [1, 2])
        #expect(ring.clear() == 2)
        add(&ring, "GET", "/c")
        #expect(ring.page(JournalFilter()).entries.map(\.id) == [3])
        #expect(ring.entry(id: 3)?.target == "/c")
        #expect(ring.entry(id: 1) == nil && ring.entry(id: 0) == nil && ring.entry(id: 4) == nil)
    }

    @Test("the entry bound evicts oldest first and counts what it dropped")
    func entryBound() {
        var ring = JournalRing(entryLimit: 3, byteLimit: 1 << 20)
        for index in 1...200 { add(&ring, "GET", "/\(index)") }
        #expect(ring.count == 3)
        #expect(ring.page(JournalFilter()).entries.map(\.target) == ["/198", "/199", "/200"])
        #expect(ring.dropped == 197)
        #expect(ring.entry(id: 199)?.target == "/199")
    }

    @Test("the byte bound evicts oldest first and is never passed")
    func byteBound() {
        let limit = 4 * JournalRing.entryOverhead + 3000
        var ring = JournalRing(entryLimit: 1000, byteLimit: limit)
        for index in 1...50 {
            add(&ring, "POST", "/upload/\(index)", body: Array(repeating: 65, count: 900))
            #expect(ring.byteCount <= limit)
        }
        let held = ring.page(JournalFilter()).entries
        #expect(held.count >= 2 && held.count < 5)
        #expect(held.last?.target == "/upload/50")
        #expect(ring.dropped == 50 - held.count)
    }

    @Test("the ring wraps and grows in place: order, lookups and filters hold across both")
    func wrapAndGrow() {
        let limit = 3 * (JournalRing.entryOverhead + 500)
        var ring = JournalRing(entryLimit: 8, byteLimit: limit)
        // Large entries: the byte bound holds two or three, so the ring wraps over few slots.
        for index in 1...7 { add(&ring, "POST", "/big/\(index)", headers: [:], body: Array(repeating: 1, count: 400)) }
        // Small ones: it must grow past its slots while wrapped, keeping the oldest first.
        for index in 8...30 { add(&ring, "GET", "/s/\(index)", headers: [:]) }
        let held = ring.page(JournalFilter()).entries
        #expect(held.map(\.id) == Array(23...30))
        #expect(held.allSatisfy { ring.entry(id: $0.id)?.target == $0.target })
        #expect(ring.newest?.id == 30 && ring.count == 8 && ring.byteCount <= limit)
        #expect(ring.page(JournalFilter(since: 27)).entries.map(\.id) == [28, 29, 30])
    }

    @Test("bodies are kept up to 64 KiB, with the real size and a truncated flag")
    func bodyCap() {
        var ring = JournalRing(entryLimit: 10, byteLimit: 1 << 24)
        add(&ring, "POST", "/big", body: Array(repeating: 1, count: 100_000))
        add(&ring, "POST", "/small", body: Array("hi".utf8))
        let (big, small) = (ring.entry(id: 1)!, ring.entry(id: 2)!)
        #expect(big.body.count == JournalRing.bodyLimit && big.bodySize == 100_000 && big.bodyTruncated)
        #expect(small.body == Array("hi".utf8) && small.bodySize == 2 && !small.bodyTruncated)
    }

    @Test("an entry larger than the whole byte bound is kept with less body, or dropped")
    func oversized() {
        var ring = JournalRing(entryLimit: 10, byteLimit: JournalRing.entryOverhead + 200)
        add(&ring, "POST", "/p", body: Array(repeating: 7, count: 5000))
        #expect(ring.entry(id: 1).map { $0.bodySize == 5000 && $0.bodyTruncated && $0.body.count < 200 } == true)
        add(&ring, "GET", "/h", headers: ["X-Long": String(repeating: "v", count: 1000)])
        #expect(ring.entry(id: 2) == nil)
        #expect(ring.byteCount <= JournalRing.entryOverhead + 200)
        #expect(ring.lastID == 2 && ring.dropped == 1)
    }

    @Test("filters: path prefix, method (any case), since; next skips nothing that could match")
    func filters() {
        var ring = JournalRing(entryLimit: 100, byteLimit: 1 << 20)
        add(&ring, "POST", "/hook/a")
        add(&ring, "GET", "/get")
        add(&ring, "POST", "/hook/b?x=1")
        add(&ring, "PUT", "/hook/c")
        #expect(ring.page(JournalFilter(pathPrefix: "/hook")).entries.map(\.id) == [1, 3, 4])
        #expect(ring.page(JournalFilter(method: "post")).entries.map(\.id) == [1, 3])
        #expect(ring.page(JournalFilter(pathPrefix: "/hook", method: "POST", since: 1)).entries.map(\.id) == [3])
        let limited = ring.page(JournalFilter(pathPrefix: "/hook"), limit: 2)
        #expect(limited.entries.map(\.id) == [1, 3] && limited.next == 3)
        #expect(ring.page(JournalFilter(method: "DELETE")).next == 4)
        #expect(ring.page(JournalFilter(since: 9)).next == 9)
    }

    @Test("entry JSON: every member, headers as pairs in order, UTF-8 or base64 bodies")
    func entryJSON() throws {
        var ring = JournalRing(entryLimit: 10, byteLimit: 1 << 20)
        add(&ring, "POST", "/post?a=1", headers: ["Host": "x", "Authorization": "Bearer t", "X-A": "1", "x-a": "2"],
            body: Array("héllo".utf8), time: 1_767_225_600.25, status: 201)
        add(&ring, "POST", "/bin", body: [0xff, 0x00, 0xfe])
        let text = try #require(ring.entry(id: 1)).json
        #expect(text["id"] == 1)
        #expect(text["time"] == "2026-01-01T00:00:00.250Z")
        #expect(text["client"] == "127.0.0.1" && text["method"] == "POST" && text["target"] == "/post?a=1")
        #expect(text["headers"] == [["Host", "x"], ["Authorization", "Bearer t"], ["X-A", "1"], ["x-a", "2"]])
        #expect(text["body"] == "héllo" && text["bodyEncoding"] == "utf-8")
        #expect(text["bodySize"] == 6 && text["bodyTruncated"] == false)
        #expect(text["status"] == 201 && text["responseBytes"] == 10)
        let binary = try #require(ring.entry(id: 2)).json
        #expect(binary["body"] == "/wD+" && binary["bodyEncoding"] == "base64")
    }

    @Test("RFC 3339 times from the injected clock, before and after 1970")
    func times() {
        #expect(JournalEntry.rfc3339(0) == "1970-01-01T00:00:00.000Z")
        #expect(JournalEntry.rfc3339(1_796_551_200.5) == "2026-12-06T10:00:00.500Z")
        #expect(JournalEntry.rfc3339(-0.5) == "1969-12-31T23:59:59.500Z")
    }
}

@Suite("Request journal: /_journal routes, no socket")
struct JournalRouteTests {
    private func setUp(_ configuration: ServerConfiguration = ServerConfiguration(), entryLimit: Int = 100) -> (Router, RequestJournal) {
        let journal = RequestJournal(entryLimit: entryLimit, byteLimit: 1 << 20, pathPrefix: configuration.pathPrefix, now: { 1_767_225_600 })
        let services = RouteServices(now: { 1_767_225_600 }, seed: 1, journal: journal)
        return (Router(configuration: configuration, services: services), journal)
    }

    private func record(_ journal: RequestJournal, _ method: String, _ target: String, body: String = "") {
        journal.record(
            client: "127.0.0.1", method: method, target: target, headers: ["Host": "x"], body: Array(body.utf8), status: 200,
            responseBytes: 2)
    }

    @Test("GET lists with filters; the answer has entries, next and dropped")
    func list() throws {
        let (router, journal) = setUp(entryLimit: 3)
        for target in ["/post", "/hook/1", "/get", "/hook/2"] { record(journal, target == "/get" ? "GET" : "POST", target) }
        let all = try router.respond(to: Request(method: "GET", target: "/_journal")).json
        #expect(all["entries"]?.arrayValue?.map { $0["target"] } == ["/hook/1", "/get", "/hook/2"])
        #expect(all["next"] == 4 && all["dropped"] == 1)
        let hooks = try router.respond(to: Request(method: "GET", target: "/_journal?path=/hook&method=post&since=2")).json
        #expect(hooks["entries"]?.arrayValue?.map { $0["id"] } == [4])
        let limited = try router.respond(to: Request(method: "GET", target: "/_journal?limit=1")).json
        #expect(limited["entries"]?.arrayValue?.count == 1 && limited["next"] == 2)
    }

    @Test("one entry by id; 404 for an evicted or future id, 400 for a bad one")
    func byID() throws {
        let (router, journal) = setUp(entryLimit: 1)
        record(journal, "POST", "/a", body: "one")
        record(journal, "POST", "/b", body: "two")
        let entry = router.respond(to: Request(method: "GET", target: "/_journal/2"))
        #expect(entry.status == 200)
        #expect(try entry.json["body"] == "two")
        let evicted = router.respond(to: Request(method: "GET", target: "/_journal/1"))
        #expect(evicted.status == 404 && evicted.bodyText.contains("evicted"))
        let future = router.respond(to: Request(method: "GET", target: "/_journal/9"))
        #expect(future.status == 404 && future.bodyText.contains("yet"))
        #expect(router.respond(to: Request(method: "GET", target: "/_journal/x")).status == 400)
    }

    @Test("DELETE clears; other methods are 405")
    func clear() throws {
        let (router, journal) = setUp()
        record(journal, "GET", "/get")
        record(journal, "GET", "/get")
        #expect(try router.respond(to: Request(method: "DELETE", target: "/_journal")).json == ["cleared": 2])
        #expect(journal.count == 0)
        #expect(router.respond(to: Request(method: "POST", target: "/_journal")).status == 405)
    }

    @Test("requests to /_journal are not recorded, under a path prefix too")
    func notRecorded() {
        let (_, journal) = setUp(ServerConfiguration(pathPrefix: "/api/"))
        for target in ["/api/_journal", "/api/_journal/3", "/api/_journal?wait=1", "/api/_journalx", "/_journal", "/api/get"] {
            record(journal, "GET", target)
        }
        #expect(journal.entries().map(\.target) == ["/api/_journalx", "/_journal", "/api/get"])
    }

    @Test("wait: answers at once when an entry matches; else a pending answer woken by the first match")
    func wait() throws {
        let (router, journal) = setUp(ServerConfiguration(maxDuration: .seconds(5)))
        record(journal, "GET", "/get")
        let immediate = router.respond(to: Request(method: "GET", target: "/_journal?wait=2&method=GET"))
        #expect(try immediate.json["entries"]?.arrayValue?.count == 1)

        let parked = router.respond(to: Request(method: "GET", target: "/_journal?wait=2.5&path=/hook&since=1"))
        guard case .awaiting(let pending) = parked.body else {
            Issue.record("expected a pending answer")
            return
        }
        #expect(pending.timeout == .milliseconds(2500))
        let woken = Mutex(0)
        pending.notify { woken.withLock { $0 += 1 } }
        record(journal, "GET", "/other")
        #expect(woken.withLock { $0 } == 0, "an entry the filter does not take wakes nothing")
        record(journal, "POST", "/hook/1")
        record(journal, "POST", "/hook/2")
        #expect(woken.withLock { $0 } == 1, "woken once")
        #expect(try pending.answer().json["entries"]?.arrayValue?.map { $0["target"] } == ["/hook/1", "/hook/2"])
    }

    @Test("wait: a timeout answers the empty page and forgets the wake-up; past --max-duration is 400")
    func waitTimeout() throws {
        let (router, journal) = setUp(ServerConfiguration(maxDuration: .seconds(1)))
        #expect(router.respond(to: Request(method: "GET", target: "/_journal?wait=2")).status == 400)
        #expect(router.respond(to: Request(method: "GET", target: "/_journal?wait=x")).status == 400)
        guard case .awaiting(let pending) = router.respond(to: Request(method: "GET", target: "/_journal?wait=1")).body else {
            Issue.record("expected a pending answer")
            return
        }
        let woken = Mutex(false)
        pending.notify { woken.withLock { $0 = true } }
        let answer = try pending.answer().json
        #expect(answer["entries"] == [] && answer["next"] == 0)
        record(journal, "GET", "/late")
        #expect(!woken.withLock { $0 }, "the timed-out wait was forgotten")
    }

    @Test("a wait registered after its match arrived wakes at once")
    func waitRace() {
        let (router, journal) = setUp()
        guard case .awaiting(let pending) = router.respond(to: Request(method: "GET", target: "/_journal?wait=1")).body else {
            Issue.record("expected a pending answer")
            return
        }
        record(journal, "GET", "/between")
        let woken = Mutex(false)
        pending.notify { woken.withLock { $0 = true } }
        #expect(woken.withLock { $0 })
    }

    @Test("off: a 404 that says why and how to turn it on")
    func off() {
        let everywhere = Router(configuration: ServerConfiguration(host: "0.0.0.0"))
        let answer = everywhere.respond(to: Request(method: "GET", target: "/_journal"))
        #expect(answer.status == 404 && answer.bodyText.contains("loopback") && answer.bodyText.contains("--journal-size"))
        let zero = Router(configuration: ServerConfiguration(journalSize: 0)).respond(to: Request(method: "GET", target: "/_journal/1"))
        #expect(zero.status == 404 && zero.bodyText.contains("turned off"))
    }

    @Test("on by default on loopback only; a bound turns it on anywhere; 0 turns it off")
    func defaults() {
        #expect(ServerConfiguration().journalLimits.map { [$0.entries, $0.bytes] } == [1000, 16 * 1024 * 1024])
        for host in ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]", "0:0:0:0:0:0:0:1"] {
            #expect(ServerConfiguration(host: host).journalLimits != nil, "\(host)")
        }
        for host in ["0.0.0.0", "::", "10.0.0.1", "example.com", "128.0.0.1", "::2"] {
            #expect(ServerConfiguration(host: host).journalLimits == nil, "\(host)")
        }
        #expect(ServerConfiguration(host: "0.0.0.0", journalBytes: 4096).journalLimits.map { [$0.entries, $0.bytes] } == [1000, 4096])
        #expect(ServerConfiguration(journalSize: 0).journalLimits == nil)
        #expect(throws: ServerStartError.self) { try ServerConfiguration(journalSize: -1).validate() }
    }

    @Test("newEntries replays after since, then yields new matches; firstEntry waits for one")
    func streams() async {
        let (_, journal) = setUp()
        record(journal, "POST", "/a")
        let stream = journal.newEntries(matching: JournalFilter(method: "POST", since: 0))
        record(journal, "GET", "/skip")
        record(journal, "POST", "/b")
        var targets: [String] = []
        for await entry in stream {
            targets.append(entry.target)
            if targets.count == 2 { break }
        }
        #expect(targets == ["/a", "/b"])
        #expect(await journal.firstEntry(matching: JournalFilter(pathPrefix: "/b"), within: .seconds(1))?.id == 3)
        #expect(await journal.firstEntry(matching: JournalFilter(pathPrefix: "/none"), within: .milliseconds(50)) == nil)
        journal.finish()
        for await _ in journal.newEntries() { Issue.record("a finished journal yields nothing") }
    }
}
