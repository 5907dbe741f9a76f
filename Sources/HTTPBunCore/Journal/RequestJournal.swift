import HTTPWire
import Synchronization

/// The request journal of a running server: every request it answered (but those to `/_journal`
/// itself), in a bounded ring (`JournalRing`), shared by the server's threads, read over HTTP at
/// `/_journal` and in process through `HTTPBunServer.journal`. docs/journal.md describes it.
///
/// ```swift
/// let server = try HTTPBunServer.start()
/// // ... the code under test POSTs its webhook to server.baseURL + "/anything/hook" ...
/// let journal = server.journal!
/// let hooks = journal.entries(JournalFilter(pathPrefix: "/anything/hook", method: "POST"))
/// let next = await journal.firstEntry(matching: JournalFilter(pathPrefix: "/anything/hook"), within: .seconds(2))
/// for await entry in journal.newEntries() { print(entry.target) }   // every request from now on
/// ```
public final class RequestJournal: Sendable {
    private struct State {
        var ring: JournalRing
        var nextWaiter: UInt64 = 0
        /// Long-polls waiting for their first match: woken once, then forgotten.
        var waiters: [UInt64: (filter: JournalFilter, wake: @Sendable () -> Void)] = [:]
        /// `newEntries` streams, each given every match until it ends.
        var streams: [UInt64: (filter: JournalFilter, continuation: AsyncStream<JournalEntry>.Continuation)] = [:]
        var finished = false

        /// The waiters and streams the newest entry matches; the waiters are forgotten. Apart from
        /// `record`, whose every-request path it would otherwise lengthen.
        @inline(never)
        mutating func takeReadersOfNewest() -> Readers? {
            guard let entry = ring.newest else { return nil }
            var readers = Readers(entry: entry)
            for (id, waiter) in waiters where waiter.filter.matches(entry) {
                readers.woken.append(waiter.wake)
                waiters[id] = nil
            }
            for stream in streams.values where stream.filter.matches(entry) { readers.fed.append(stream.continuation) }
            return readers
        }
    }

    private let state: Mutex<State>
    private let clock: @Sendable () -> Double
    /// `<path prefix>/_journal`: requests to it are read requests, not recorded.
    private let ownPath: [UInt8]

    /// - Parameters:
    ///   - entryLimit: entries kept at most; the oldest go first.
    ///   - byteLimit: bytes kept at most (texts, headers and bodies, counted as `JournalRing` does).
    ///   - pathPrefix: the server's `--path-prefix`, under which `/_journal` lives.
    ///   - now: the clock entries are stamped with, in seconds since 1970 UTC.
    public init(entryLimit: Int, byteLimit: Int, pathPrefix: String = "", now: @escaping @Sendable () -> Double) {
        state = Mutex(State(ring: JournalRing(entryLimit: entryLimit, byteLimit: byteLimit)))
        clock = now
        ownPath = Array((ServerConfiguration.normalize(pathPrefix: pathPrefix) + JournalRoutes.path).utf8)
    }

    public var entryLimit: Int { state.withLock { $0.ring.entryLimit } }
    public var byteLimit: Int { state.withLock { $0.ring.byteLimit } }

    /// Records an answered request, unless it was one to `/_journal`, and wakes the readers
    /// waiting for it. The server calls this as it queues each answer.
    ///
    /// The headers and body are taken (`consuming`), as `JournalRing.append` takes them.
    public func record(
        client: String, method: String, target: String, headers: consuming HTTPHeaders, body: consuming [UInt8], status: Int,
        responseBytes: Int
    ) {
        guard !isJournalTarget(target) else { return }
        let time = clock()
        // Moved into the lock's closure through an optional: a plain capture would be copied.
        var handed = Optional((consume headers, consume body))
        let readers: Readers? = state.withLock { state in
            let (headers, body) = handed.take()!
            // Most requests have no reader waiting: they only append.
            guard
                state.ring.append(
                    time: time, client: client, method: method, target: target, headers: headers, body: body, status: status,
                    responseBytes: responseBytes),
                !state.waiters.isEmpty || !state.streams.isEmpty
            else { return nil }
            return state.takeReadersOfNewest()
        }
        // Outside the lock: a wake resumes a connection, and a stream's consumer may read the journal.
        readers?.notify()
    }

    /// The readers an entry concerns: waiters to wake (each once), streams to feed.
    private struct Readers {
        let entry: JournalEntry
        var woken: [@Sendable () -> Void] = []
        var fed: [AsyncStream<JournalEntry>.Continuation] = []

        @inline(never)
        func notify() {
            for wake in woken { wake() }
            for continuation in fed { continuation.yield(entry) }
        }
    }

    /// Whether `target` is `/_journal` or below it (these requests are not recorded).
    private func isJournalTarget(_ target: String) -> Bool {
        // The UTF-8 view's own storage: `withUTF8` would need a mutable copy (a retain and a release).
        target.utf8.withContiguousStorageIfAvailable { isJournalPath($0) } ?? isJournalPath(Array(target.utf8))
    }

    private func isJournalPath<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes) -> Bool where Bytes.Index == Int {
        // Byte by byte: most targets differ at the second byte, and this runs on every request.
        guard bytes.count >= ownPath.count else { return false }
        for index in ownPath.indices where bytes[bytes.startIndex + index] != ownPath[index] { return false }
        guard bytes.count > ownPath.count else { return true }
        let next = bytes[bytes.startIndex + ownPath.count]
        return next == UInt8(ascii: "/") || next == UInt8(ascii: "?") || next == UInt8(ascii: "#")
    }

    /// The entries `filter` takes, oldest first.
    ///
    /// ```swift
    /// journal.entries(JournalFilter(method: "POST")).map(\.target)   // ["/post", "/anything/hook"]
    /// ```
    public func entries(_ filter: JournalFilter = JournalFilter(), limit: Int = .max) -> [JournalEntry] {
        page(filter, limit: limit).entries
    }

    /// The entries `filter` takes, with the `since` for the next call and the eviction count.
    public func page(_ filter: JournalFilter = JournalFilter(), limit: Int = .max) -> JournalPage {
        state.withLock { $0.ring.page(filter, limit: limit) }
    }

    /// The entry with this id, while the journal holds it.
    public func entry(id: UInt64) -> JournalEntry? { state.withLock { $0.ring.entry(id: id) } }

    /// The newest id issued (0 before the first request).
    public var lastID: UInt64 { state.withLock { $0.ring.lastID } }

    /// Entries held now.
    public var count: Int { state.withLock { $0.ring.count } }

    /// Entries the bounds have evicted so far.
    public var dropped: Int { state.withLock { $0.ring.dropped } }

    /// Forgets every entry (ids go on increasing); returns how many there were.
    @discardableResult
    public func clear() -> Int { state.withLock { $0.ring.clear() } }

    /// Entries as they are recorded: those with an id past `filter.since` already held first (none
    /// when `since` is nil), then each new one `filter` takes. The sequence ends when the server
    /// stops; a consumer that falls behind by more than the journal's entry limit loses the oldest.
    ///
    /// ```swift
    /// for await entry in journal.newEntries(matching: JournalFilter(method: "POST")) {
    ///     if entry.target.hasPrefix("/anything/done") { break }
    /// }
    /// ```
    public func newEntries(matching filter: JournalFilter = JournalFilter()) -> AsyncStream<JournalEntry> {
        let (stream, continuation) = AsyncStream<JournalEntry>.makeStream(bufferingPolicy: .bufferingNewest(max(16, entryLimit)))
        let id: UInt64? = state.withLock { state in
            guard !state.finished else { return nil }
            if filter.since != nil {
                for entry in state.ring.page(filter).entries { continuation.yield(entry) }
            }
            state.nextWaiter += 1
            state.streams[state.nextWaiter] = (filter, continuation)
            return state.nextWaiter
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.streams.removeValue(forKey: id) }
        }
        return stream
    }

    /// The first entry `filter` takes, held now or recorded within `timeout`; nil when none came.
    ///
    /// ```swift
    /// let hook = await journal.firstEntry(matching: JournalFilter(pathPrefix: "/anything/hook"), within: .seconds(2))
    /// ```
    public func firstEntry(matching filter: JournalFilter, within timeout: Duration) async -> JournalEntry? {
        // One look under the lock: an entry recorded between a look and the pinning would be missed.
        let (held, lastID) = state.withLock { ($0.ring.page(filter, limit: 1).entries.first, $0.ring.lastID) }
        if let held { return held }
        let stream = newEntries(
            matching: JournalFilter(pathPrefix: filter.pathPrefix, method: filter.method, since: max(filter.since ?? 0, lastID)))
        return await withTaskGroup(of: JournalEntry?.self) { group in
            group.addTask {
                for await entry in stream { return entry }
                return nil
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// Calls `wake` once, as soon as an entry `filter` takes is held: at once when one is already
    /// there. Returns a key for `forget(_:)`, or nil when `wake` was called or the journal is finished.
    func whenHeld(_ filter: JournalFilter, wake: @escaping @Sendable () -> Void) -> UInt64? {
        let key: UInt64? = state.withLock { state in
            guard !state.finished, !state.ring.contains(filter) else { return nil }
            state.nextWaiter += 1
            state.waiters[state.nextWaiter] = (filter, wake)
            return state.nextWaiter
        }
        if key == nil { wake() }
        return key
    }

    /// Stops waiting for the `whenHeld` with this key (its wait timed out).
    func forget(_ key: UInt64) {
        _ = state.withLock { $0.waiters.removeValue(forKey: key) }
    }

    /// The server stops: every stream ends and every waiter is woken (their connections close).
    public func finish() {
        let (waiters, streams) = state.withLock { state in
            state.finished = true
            defer {
                state.waiters = [:]
                state.streams = [:]
            }
            return (state.waiters.values.map { $0.wake }, state.streams.values.map { $0.continuation })
        }
        for wake in waiters { wake() }
        for continuation in streams { continuation.finish() }
    }
}
