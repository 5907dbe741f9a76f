import HTTPWire
import JSONValue
import Synchronization

/// `/_journal`: the requests this server answered, read over HTTP (docs/journal.md). The journal
/// itself comes in through the route services, so these handlers are tested without a socket.
enum JournalRoutes {
    /// Where the journal is served, below the path prefix.
    static let path = "/_journal"

    /// `GET /_journal`: a filtered page, or with `wait=` the first matches once they arrive;
    /// `DELETE /_journal`: clears it.
    static func list(_ context: RouteContext) throws(HTTPError) -> Response {
        let journal = try requireJournal(context)
        if context.request.method == "DELETE" {
            return .json(["cleared": JSON(journal.clear())])
        }
        let query = context.request.query
        func value(_ name: String) -> String? { query.first { $0.name == name }?.value }
        var filter = JournalFilter(pathPrefix: value("path"), method: value("method"))
        if let since = value("since") {
            guard let id = UInt64(since) else { throw .badRequest("invalid since \"\(since)\": use an entry id, such as a list's next") }
            filter.since = id
        }
        let limit = try WholeNumberParameter.parse(value("limit"), name: "limit", default: Int.max, range: 1...Int.max)
        let page = journal.page(filter, limit: limit)
        guard let waitText = value("wait"), page.entries.isEmpty else {
            return .json(page.json)
        }
        let timeout = try DurationParameter.parse(waitText, name: "wait", maximum: context.configuration.maxDuration)
        guard timeout > .zero else { return .json(page.json) }
        return Response(body: .awaiting(JournalWait(journal: journal, filter: filter, limit: limit, timeout: timeout)))
    }

    /// `GET /_journal/{id}`: one entry.
    static func entry(_ context: RouteContext) throws(HTTPError) -> Response {
        let journal = try requireJournal(context)
        let text = context[parameter: "id"]
        guard let id = UInt64(text) else { throw .badRequest("invalid journal entry id \"\(text)\": use a whole number, an entry's id") }
        guard let entry = journal.entry(id: id) else {
            let why = id > journal.lastID || id == 0
                ? "no request has been recorded with that id yet"
                : "it was evicted by the journal's bounds or cleared"
            throw HTTPError(404, "no journal entry \(id): \(why)")
        }
        return .json(entry.json)
    }

    /// The journal, or a 404 that says why it is off and how to turn it on.
    private static func requireJournal(_ context: RouteContext) throws(HTTPError) -> RequestJournal {
        if let journal = context.services.journal { return journal }
        let configuration = context.configuration
        let why =
            configuration.journalSize == 0 || configuration.journalBytes == 0
            ? "it was turned off (--journal-size 0 or --journal-bytes 0)"
            : configuration.journalLimits == nil
                ? "this server is not bound to a loopback address, and the journal keeps credentials as sent"
                : "this server was started without one"
        throw HTTPError(
            404,
            "the request journal is off: \(why); start the server with --journal-size N (HTTPBUN_JOURNAL_SIZE) to keep the last N requests")
    }
}

/// A `/_journal?wait=N` long-poll: parked by the server until the journal holds an entry the filter
/// takes, or until the timeout; then the page as a plain list would give it.
final class JournalWait: PendingResponse {
    let journal: RequestJournal
    let filter: JournalFilter
    let limit: Int
    let timeout: Duration
    /// The journal's key for the wake-up, to forget it when the wait times out.
    private let key = Mutex<UInt64?>(nil)

    init(journal: RequestJournal, filter: JournalFilter, limit: Int = .max, timeout: Duration) {
        self.journal = journal
        self.filter = filter
        self.limit = limit
        self.timeout = timeout
    }

    func notify(_ wake: @escaping @Sendable () -> Void) {
        let key = journal.whenHeld(filter, wake: wake)
        self.key.withLock { $0 = key }
    }

    func answer() -> Response {
        cancel()
        return .json(journal.page(filter, limit: limit).json)
    }

    func cancel() {
        let taken: UInt64? = key.withLock { key in
            defer { key = nil }
            return key
        }
        if let taken { journal.forget(taken) }
    }
}
