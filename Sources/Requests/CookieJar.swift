import HTTPWire
import Foundation
import Synchronization

/// The cookies a `Session` keeps, stored and sent by the rules of RFC 6265: host-only and domain
/// cookies, paths, `Secure`, `Expires` and `Max-Age`, and deletion by expiry. Safe to share between tasks.
///
/// ```swift
/// let session = Session()
/// _ = try await session.get(base + "/cookies/set?flavor=oat")
/// session.cookies["flavor"]                 // "oat"
/// session.cookies.dictionary                // ["flavor": "oat"]
/// session.cookies.set("theme", "dark", domain: "127.0.0.1")
/// session.cookies.remove("flavor")
/// ```
public final class CookieJar: Sendable {
    private struct State {
        var cookies: [Cookie] = []
        var counter: UInt64 = 0
    }
    private let state = Mutex(State())
    private let clock: @Sendable () -> Date

    /// A jar; `now` tells it the time, for tests of expiry.
    public init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.clock = now
    }

    /// Stores the cookies of every `Set-Cookie` in `headers`, received from `url`.
    public func store(from headers: Headers, url: URL) {
        let values = headers.values(for: "Set-Cookie")
        if values.isEmpty { return }   // most responses: no need to ask the clock
        let now = clock()
        for header in values {
            guard let cookie = Cookie.parse(setCookie: header, url: url, now: now) else { continue }
            store(cookie, now: now)
        }
    }

    /// Adds or replaces a cookie (same name, domain and path); an expired one deletes its match.
    public func store(_ cookie: Cookie) { store(cookie, now: clock()) }

    private func store(_ cookie: Cookie, now: Date) {
        state.withLock { state in
            var cookie = cookie
            if let index = state.cookies.firstIndex(where: { $0.name == cookie.name && $0.domain == cookie.domain && $0.path == cookie.path }) {
                cookie.creation = state.cookies[index].creation
                state.cookies.remove(at: index)
            } else {
                state.counter += 1
                cookie.creation = state.counter
            }
            if !cookie.isExpired(at: now) { state.cookies.append(cookie) }
        }
    }

    /// Sets a cookie by hand, for `domain` and its subdomains.
    public func set(_ name: String, _ value: String, domain: String, path: String = "/") {
        store(Cookie(name: name, value: value, domain: domain, hostOnly: false, path: path))
    }

    /// The `Cookie` header value to send to `url`: matching, unexpired cookies, longest path first.
    public func header(for url: URL) -> String? {
        // Every request asks; an empty jar need not ask the clock or sort anything.
        if isEmpty { return nil }
        let now = clock()
        let matching = state.withLock { state in
            state.cookies.removeAll { $0.isExpired(at: now) }
            return state.cookies.filter { $0.matches(url) }
        }
        .sorted { ($0.path.count, $1.creation) > ($1.path.count, $0.creation) }
        return matching.isEmpty ? nil : matching.map { "\($0.name)=\($0.value)" }.joined(separator: "; ")
    }

    /// Whether the jar holds no cookie at all, expired or not: then it has nothing to send anywhere.
    var isEmpty: Bool { state.withLock { $0.cookies.isEmpty } }

    /// Every unexpired cookie.
    public var all: [Cookie] {
        let now = clock()
        return state.withLock { $0.cookies.filter { !$0.isExpired(at: now) } }
    }

    /// Names to values of every unexpired cookie (requests' `get_dict()`).
    public var dictionary: [String: String] {
        var result: [String: String] = [:]
        for cookie in all { result[cookie.name] = cookie.value }
        return result
    }

    /// The value of the cookie named `name`, whatever its domain.
    public subscript(name: String) -> String? { all.last { $0.name == name }?.value }

    /// Removes cookies named `name` (optionally only for `domain`).
    public func remove(_ name: String, domain: String? = nil) {
        state.withLock { $0.cookies.removeAll { $0.name == name && (domain == nil || $0.domain == domain!.lowercased()) } }
    }

    /// Removes every cookie.
    public func clear() { state.withLock { $0.cookies.removeAll() } }

    public var count: Int { all.count }
}
