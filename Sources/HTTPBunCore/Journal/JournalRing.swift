import HTTPWire
import JSONValue

/// One request the server answered, as the request journal keeps it: what arrived (client, method,
/// target as sent, headers in arrival order, body up to `JournalRing.bodyLimit`) and what we
/// answered (status, body size).
///
/// ```swift
/// let entry = server.journal!.entries(JournalFilter(method: "POST")).last!
/// entry.headers.first("Authorization")   // "Bearer test-token", as the client sent it
/// String(decoding: entry.body, as: UTF8.self)
/// ```
public struct JournalEntry: Sendable {
    /// Increases by one per recorded request, never reused (not even after a clear).
    public let id: UInt64
    /// Seconds since 1970 UTC, from the server's clock, when the answer was queued.
    public let time: Double
    /// The client's IP address.
    public let client: String
    public let method: String
    /// The request target exactly as sent (path and query, still percent-encoded).
    public let target: String
    /// Every header field in arrival order, names as sent.
    public let headers: HTTPHeaders
    /// The body, or its first `JournalRing.bodyLimit` bytes.
    public let body: [UInt8]
    /// The body's real size in bytes.
    public let bodySize: Int
    /// Our answer's status; 0 when the connection was closed without one (`/fault/close`).
    public let status: Int
    /// Bytes of our answer's body (0 for `HEAD`).
    public let responseBytes: Int
    /// What the entry counts against the journal's byte bound.
    let cost: Int

    /// Whether `body` holds less than the request sent.
    public var bodyTruncated: Bool { body.count < bodySize }

    /// The entry as the `/_journal` route writes it (docs/journal.md names every member).
    ///
    /// ```swift
    /// entry.json["bodyEncoding"]   // "utf-8", or "base64" when the body is not UTF-8
    /// ```
    public var json: JSON {
        let text = String(validating: body, as: UTF8.self)
        var object: JSONObject = [
            "id": JSON(id), "time": .string(Self.rfc3339(time)), "client": .string(client), "method": .string(method),
            "target": .string(target),
        ]
        object["headers"] = .array(headers.fields.map { JSON.array([.string($0.name), .string($0.value)]) })
        object["body"] = .string(text ?? Base64.encode(body))
        object["bodyEncoding"] = .string(text == nil ? "base64" : "utf-8")
        object["bodySize"] = JSON(bodySize)
        object["bodyTruncated"] = .bool(bodyTruncated)
        object["status"] = JSON(status)
        object["responseBytes"] = JSON(responseBytes)
        return .object(object)
    }

    /// RFC 3339 in UTC with milliseconds: `2026-12-07T16:00:00.250Z`, as the access log writes its
    /// times (`LogTimestamps`), from the journal's seconds since 1970.
    static func rfc3339(_ seconds: Double) -> String {
        let milliseconds = Int64((seconds * 1000).rounded(.down))
        let whole = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        return LogTimestamps.text(WallTime(seconds: whole, milliseconds: Int(milliseconds - whole * 1000)))
    }
}

/// Which entries a reader wants. Every member left nil takes every entry.
///
/// ```swift
/// JournalFilter(pathPrefix: "/webhook", method: "POST", since: 41)   // POSTs to /webhook... after entry 41
/// ```
public struct JournalFilter: Sendable, Equatable {
    /// The target (as sent, query included) starts with this.
    public var pathPrefix: String?
    /// The method, compared without regard to case.
    public var method: String?
    /// Only entries with a greater id (pass a list's `next`).
    public var since: UInt64?

    public init(pathPrefix: String? = nil, method: String? = nil, since: UInt64? = nil) {
        self.pathPrefix = pathPrefix
        self.method = method
        self.since = since
    }

    public func matches(_ entry: JournalEntry) -> Bool {
        if let since, entry.id <= since { return false }
        if let method, entry.method != method && entry.method.uppercased() != method.uppercased() { return false }
        if let pathPrefix, !entry.target.utf8.starts(with: pathPrefix.utf8) { return false }
        return true
    }
}

/// A page of entries as a list answers it: the entries, the id to pass as `since` for the next
/// page, and how many entries the bounds have evicted so far.
public struct JournalPage: Sendable {
    public var entries: [JournalEntry]
    /// The last entry's id, or when there is none the newest id the journal has issued (or the
    /// `since` asked for, if greater): passing it as `since` skips nothing that could match.
    public var next: UInt64
    /// Entries evicted by the bounds since the server started (a clear is not counted).
    public var dropped: Int

    /// `{"entries": [...], "next": id, "dropped": count}`.
    public var json: JSON {
        ["entries": .array(entries.map(\.json)), "next": JSON(next), "dropped": JSON(dropped)]
    }
}

/// The journal's memory: a ring bounded by entry count and by bytes, evicting oldest first, with
/// ids that only increase. A value with no clock, lock or socket, so it is tested as a function;
/// `RequestJournal` shares one between threads.
///
/// ```swift
/// var ring = JournalRing(entryLimit: 2, byteLimit: 1 << 20)
/// ring.append(time: 0, client: "127.0.0.1", method: "GET", target: "/a", headers: [:], body: [], status: 200, responseBytes: 2)
/// ring.newest?.target                                   // "/a"
/// ring.page(JournalFilter()).entries.map(\.target)   // ["/a"]
/// ```
public struct JournalRing: Sendable {
    /// Body bytes kept per entry; the entry keeps the real size and says it was truncated.
    public static let bodyLimit = 64 * 1024
    /// What an entry costs besides its texts and body: the entry's own fields and array slots.
    static let entryOverhead = 160
    /// Bytes counted per header field besides its name and value.
    static let fieldOverhead = 32

    public let entryLimit: Int
    public let byteLimit: Int
    /// A circular buffer: `count` entries from `head`, oldest first, wrapping around. It grows up
    /// to `entryLimit` slots; once it is full a new entry takes the slot its eviction freed, so
    /// recording moves no other entry and allocates nothing.
    private var slots: [JournalEntry] = []
    /// Each slot's `cost`, apart from the entries: eviction reads it without copying an entry out.
    private var costs: [Int] = []
    private var head = 0
    /// Entries held now.
    public private(set) var count = 0
    /// Bytes counted for the entries held (see `cost`).
    public private(set) var byteCount = 0
    /// The newest id issued (0 before the first).
    public private(set) var lastID: UInt64 = 0
    /// Entries evicted by the bounds, or too large to keep at all.
    public private(set) var dropped = 0

    public init(entryLimit: Int, byteLimit: Int) {
        self.entryLimit = max(1, entryLimit)
        self.byteLimit = max(1, byteLimit)
    }

    /// The slot of the `logical`-th entry held, oldest first.
    private func slot(_ logical: Int) -> Int {
        let index = head + logical
        return index < slots.count ? index : index - slots.count
    }

    /// The entry recorded last, while held.
    public var newest: JournalEntry? { count == 0 ? nil : slots[slot(count - 1)] }

    /// Records one answered request, evicting the oldest entries until it fits; false when even
    /// alone it would be over the byte bound (it is then counted as dropped, and its id used up).
    ///
    /// The headers and body are taken (`consuming`): the server hands over arrays it has no more
    /// use for, and an entry that keeps them then costs no retain now and no release later.
    @discardableResult
    public mutating func append(
        time: Double, client: String, method: String, target: String, headers: consuming HTTPHeaders, body: consuming [UInt8],
        status: Int, responseBytes: Int
    ) -> Bool {
        lastID += 1
        var fixed = Self.entryOverhead + client.utf8.count + method.utf8.count + target.utf8.count
        for field in headers.fields { fixed += Self.fieldOverhead + field.name.utf8.count + field.value.utf8.count }
        let kept = min(body.count, Self.bodyLimit, byteLimit - fixed)
        guard kept >= 0 else {
            dropped += 1
            return false
        }
        let cost = fixed + kept
        // The steady state of a busy server, kept short (it runs on every request, and the code it
        // touches competes with the request's own for the instruction cache): the ring is full by
        // count, the body is kept whole, and the new entry takes the oldest one's slot.
        if count == entryLimit, kept == body.count, body.capacity <= 2 * kept + 64, byteCount - costs[head] + cost <= byteLimit {
            byteCount += cost - costs[head]
            costs[head] = cost
            slots[head] = JournalEntry(
                id: lastID, time: time, client: client, method: method, target: target, headers: consume headers, body: consume body,
                bodySize: kept, status: status, responseBytes: responseBytes, cost: cost)
            head = head + 1 == slots.count ? 0 : head + 1
            dropped += 1
            return true
        }
        store(time: time, client: client, method: method, target: target, headers: consume headers, body: consume body, kept: kept,
              cost: cost, status: status, responseBytes: responseBytes)
        return true
    }

    /// Every other case of `append`: evictions by bytes, a body cut or copied, a ring still growing.
    @inline(never)
    private mutating func store(
        time: Double, client: String, method: String, target: String, headers: HTTPHeaders, body: [UInt8], kept: Int, cost: Int,
        status: Int, responseBytes: Int
    ) {
        while count > 0 && (count >= entryLimit || byteCount + cost > byteLimit) {
            evictOldest()
            dropped += 1
        }
        byteCount += cost
        // A body kept whole shares the request's storage, unless that storage holds much more than
        // the body (a chunked upload's doubled buffer): the bound counts bytes, so it holds them.
        let stored = kept == body.count && body.capacity <= 2 * body.count + 64 ? body : Array(body[..<kept])
        let entry = JournalEntry(
            id: lastID, time: time, client: client, method: method, target: target, headers: headers, body: stored,
            bodySize: body.count, status: status, responseBytes: responseBytes, cost: cost)
        if count < slots.count {
            slots[slot(count)] = entry
            costs[slot(count)] = cost
        } else {
            // Every slot is taken and the entry bound is not reached: grow, with the oldest first again.
            if head != 0 {
                slots = Array(slots[head...] + slots[..<head])
                costs = Array(costs[head...] + costs[..<head])
                head = 0
            }
            slots.append(entry)
            costs.append(cost)
        }
        count += 1
    }

    private mutating func evictOldest() {
        byteCount -= costs[head]
        slots[head] = Self.vacant
        head = head + 1 == slots.count ? 0 : head + 1
        count -= 1
    }

    /// What a slot holds once its entry is evicted: nothing of the request.
    private static let vacant = JournalEntry(
        id: 0, time: 0, client: "", method: "", target: "", headers: HTTPHeaders(), body: [], bodySize: 0, status: 0, responseBytes: 0,
        cost: 0)

    /// Forgets every entry; ids go on from where they were. Returns how many were held.
    @discardableResult
    public mutating func clear() -> Int {
        let held = count
        slots = []
        costs = []
        head = 0
        count = 0
        byteCount = 0
        return held
    }

    /// The entry with this id, while the ring holds it.
    public func entry(id: UInt64) -> JournalEntry? {
        let index = firstIndex(after: id &- 1)
        guard index < count, slots[slot(index)].id == id else { return nil }
        return slots[slot(index)]
    }

    /// The entries `filter` takes, oldest first, at most `limit` of them.
    public func page(_ filter: JournalFilter, limit: Int = .max) -> JournalPage {
        var found: [JournalEntry] = []
        var index = firstIndex(after: filter.since ?? 0)
        while index < count && found.count < limit {
            if filter.matches(slots[slot(index)]) { found.append(slots[slot(index)]) }
            index += 1
        }
        let next = found.last?.id ?? max(filter.since ?? 0, lastID)
        return JournalPage(entries: found, next: next, dropped: dropped)
    }

    /// Whether any entry held matches `filter`.
    public func contains(_ filter: JournalFilter) -> Bool { !page(filter, limit: 1).entries.isEmpty }

    /// The position (0 the oldest) of the first held entry whose id is greater than `id`: ids
    /// increase along the ring, so a binary search.
    private func firstIndex(after id: UInt64) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if slots[slot(middle)].id <= id { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
