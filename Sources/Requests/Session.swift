import HTTPWire
import Foundation
import JSONValue
import Synchronization

/// Settings and state shared by many calls: headers, params, auth, a base URL, cookies, mounted
/// adapters (retry policies, transports), hooks, and pooled connections.
///
/// ```swift
/// let session = Session(baseURL: "http://127.0.0.1:8080")
/// session.headers["Authorization"] = "Bearer TOKEN"
/// _ = try await session.get("/cookies/set", params: ["mycookie": "value"])
/// let cookies = try await session.get("/cookies").json()   // {"cookies": {"mycookie": "value"}}
/// try await session.close()
///
/// // or scoped, closed for you:
/// let echo = try await Session.with(baseURL: base) { s in try await s.get("/get").json() }
/// ```
///
/// A session is `Sendable`: share it between tasks freely. Changing a setting affects calls started after.
public final class Session: Sendable {
    struct Settings: Sendable {
        var baseURL: String?
        var headers: Headers
        var params: Params
        var auth: Auth?
        var timeout: Timeout
        var maxRedirects: Int
        var http2 = true
        var hooks = Hooks()
        var proxies: Proxies = [:]
        var trustEnv = true
        /// Where `trustEnv` reads variables: the process's environment, or a table in tests.
        var environment: @Sendable (String) -> String? = Session.processEnvironment
        var mounts: [(prefix: String, adapter: Adapter)] = []
        var closed = false
    }

    /// `Settings` as one immutable object, replaced whole on every change: a call takes them with one
    /// retain, where copying the struct out of the lock retained and released each of its fields.
    final class Snapshot: Sendable {
        let value: Settings
        init(_ value: Settings) { self.value = value }
    }
    private let settings: Mutex<Snapshot>

    /// Changes the settings under the lock, replacing the snapshot (calls already started keep theirs).
    private func update<T>(_ change: (inout Settings) -> T) -> T {
        settings.withLock { snapshot in
            var value = snapshot.value
            defer { snapshot = Snapshot(value) }
            return change(&value)
        }
    }

    /// The last URL text `send` parsed and its result: calls to one endpoint in a loop (polling, paging
    /// through `params`, which are added after parsing) parse the same text every time, and parsing
    /// (Foundation's `URL(string:)` above all) is the largest cost of a call outside the transport.
    private let lastParsed = Mutex<(text: String, url: URL)?>(nil)
    private let transport: any Transport
    /// The cookies this session keeps and sends.
    public let cookies: CookieJar

    /// The headers every call starts from (besides its own). Defaults: `User-Agent`, `Accept`, and
    /// `Accept-Encoding`: `gzip, deflate, br, zstd` as urllib3 and httpx send with brotli and zstandard
    /// installed (`br` and `zstd` only where libbrotlidec and libzstd can be loaded).
    public static let defaultHeaders: Headers = [
        "User-Agent": "swift-requests/1.0", "Accept-Encoding": ContentCoding.acceptEncoding(), "Accept": "*/*",
    ]

    /// - Parameters:
    ///   - baseURL: prefixed to URLs without a scheme (`session.get("/users")`).
    ///   - transport: where requests go; by default a new `AsyncHTTPClientTransport`, closed by `close()`.
    ///   - connectionsPerHost: the connection limit per host of the default transport.
    ///   - trust: which https certificates the default transport accepts (requests' `verify=`).
    ///   - http2: use HTTP/2 where an https server offers it (the default, as httpx's `http2=True`);
    ///     false keeps to HTTP/1.1, as requests does.
    ///   - proxies: proxies by scheme for every call (requests' `session.proxies`).
    ///   - trustEnv: read `HTTP_PROXY`/`HTTPS_PROXY`/`ALL_PROXY`/`NO_PROXY`, `REQUESTS_CA_BUNDLE`/
    ///     `CURL_CA_BUNDLE`/`SSL_CERT_FILE` and `.netrc` credentials (requests' `trust_env`, on by default).
    ///   - cert: the client certificate the default transport presents (requests' `session.cert`).
    public init(baseURL: String? = nil, headers: Headers = [:], params: Params = [:], auth: Auth? = nil,
                timeout: Timeout = .default, maxRedirects: Int = 30, cookies: CookieJar = CookieJar(),
                transport: (any Transport)? = nil, connectionsPerHost: Int = 8, trust: CertificateTrust = .system,
                http2: Bool = true, proxies: Proxies = [:], trustEnv: Bool = true, cert: ClientCertificate? = nil) {
        settings = Mutex(Snapshot(Settings(baseURL: baseURL, headers: Session.defaultHeaders.updating(headers), params: params,
                                           auth: auth, timeout: timeout, maxRedirects: maxRedirects, http2: http2,
                                           proxies: proxies, trustEnv: trustEnv)))
        self.cookies = cookies
        // A session closes its transport, given or made (`AsyncHTTPClientTransport.shared` ignores that).
        self.transport = transport ?? AsyncHTTPClientTransport(connectionsPerHost: connectionsPerHost, trust: trust, cert: cert)
    }

    /// The process's environment variable `name`, read when a call needs it (as requests does).
    static let processEnvironment: @Sendable (String) -> String? = { name in getenv(name).map { String(cString: $0) } }

    /// A session that exists only for `body`, closed when `body` returns or throws. It takes the same
    /// options as `init`.
    ///
    /// ```swift
    /// let echo = try await Session.with(baseURL: base, params: ["v": "2"], maxRedirects: 5) { s in
    ///     try await s.get("/get").json()
    /// }
    /// ```
    public static func with<T: Sendable>(baseURL: String? = nil, headers: Headers = [:], params: Params = [:], auth: Auth? = nil,
                                         timeout: Timeout = .default, maxRedirects: Int = 30, cookies: CookieJar = CookieJar(),
                                         transport: (any Transport)? = nil, connectionsPerHost: Int = 8,
                                         trust: CertificateTrust = .system, http2: Bool = true, proxies: Proxies = [:],
                                         trustEnv: Bool = true, cert: ClientCertificate? = nil,
                                         _ body: (Session) async throws -> T) async throws -> T {
        let session = Session(baseURL: baseURL, headers: headers, params: params, auth: auth, timeout: timeout, maxRedirects: maxRedirects,
                              cookies: cookies, transport: transport, connectionsPerHost: connectionsPerHost, trust: trust,
                              http2: http2, proxies: proxies, trustEnv: trustEnv, cert: cert)
        do {
            let result = try await body(session)
            try await session.close()
            return result
        } catch {
            try? await session.close()
            throw error
        }
    }

    // MARK: Settings

    /// Headers sent with every call (a call's own headers replace these by name).
    public var headers: Headers {
        get { settings.withLock { $0.value.headers } }
        set { update { $0.headers = newValue } }
    }
    /// Query parameters added to every call.
    public var params: Params {
        get { settings.withLock { $0.value.params } }
        set { update { $0.params = newValue } }
    }
    /// Credentials for every call that does not pass its own.
    public var auth: Auth? {
        get { settings.withLock { $0.value.auth } }
        set { update { $0.auth = newValue } }
    }
    /// Prefixed to URLs without a scheme: `session.get("/users")`.
    public var baseURL: String? {
        get { settings.withLock { $0.value.baseURL } }
        set { update { $0.baseURL = newValue } }
    }
    /// The timeout of calls that do not pass one.
    public var timeout: Timeout {
        get { settings.withLock { $0.value.timeout } }
        set { update { $0.timeout = newValue } }
    }
    /// The most redirects one call follows (30, as in requests).
    public var maxRedirects: Int {
        get { settings.withLock { $0.value.maxRedirects } }
        set { update { $0.maxRedirects = newValue } }
    }
    /// Whether calls may use HTTP/2 where an https server offers it (true by default). The transport
    /// sees it on each request; `AsyncHTTPClientTransport` keeps a client per choice.
    ///
    /// ```swift
    /// session.http2 = false
    /// print(try await session.get(url).httpVersion)   // HTTP/1.1
    /// ```
    public var http2: Bool {
        get { settings.withLock { $0.value.http2 } }
        set { update { $0.http2 = newValue } }
    }
    /// Code run for every request and response on the wire.
    public var hooks: Hooks {
        get { settings.withLock { $0.value.hooks } }
        set { update { $0.hooks = newValue } }
    }

    /// Proxies by scheme for every call; a call's `proxies:` are looked up first (requests' `session.proxies`).
    public var proxies: Proxies {
        get { settings.withLock { $0.value.proxies } }
        set { update { $0.proxies = newValue } }
    }
    /// Whether calls read proxies, a CA bundle and `.netrc` credentials from the environment
    /// (requests' `trust_env`; on by default).
    public var trustEnv: Bool {
        get { settings.withLock { $0.value.trustEnv } }
        set { update { $0.trustEnv = newValue } }
    }
    /// Makes `trustEnv` read `variables` instead of the process's environment: for tests, which run
    /// side by side in one process and cannot each set `HTTP_PROXY` for all.
    func useEnvironment(_ variables: [String: String]) {
        update { $0.environment = { variables[$0] } }
    }

    /// Uses `adapter` for every URL starting with `prefix` (case-insensitive); the longest prefix wins,
    /// as in requests. Mounting the same prefix again replaces it.
    public func mount(_ prefix: String, _ adapter: Adapter) {
        update { settings in
            settings.mounts.removeAll { $0.prefix.lowercased() == prefix.lowercased() }
            settings.mounts.append((prefix: prefix, adapter: adapter))
            settings.mounts.sort { $0.prefix.count > $1.prefix.count }
        }
    }

    /// The adapter mounted for `url`, or the default one (no retries, the session's transport).
    public func adapter(for url: String) -> Adapter {
        Self.adapter(in: settings.withLock { $0.value.mounts }, for: url)
    }

    /// The adapter of the longest prefix of `url` in `mounts` (sorted longest first), or the default one.
    static func adapter(in mounts: [(prefix: String, adapter: Adapter)], for url: @autoclosure () -> String) -> Adapter {
        // Most sessions mount nothing: skip making the URL's text and lowercasing it on every call.
        guard !mounts.isEmpty else { return Adapter() }
        let lowered = url().lowercased()
        return mounts.first { lowered.hasPrefix($0.prefix.lowercased()) }?.adapter ?? Adapter()
    }

    /// Closes the session's connections (and mounted transports). Calls after this throw `SessionClosed`.
    public func close() async throws {
        let mounted = update { settings -> [any Transport] in
            settings.closed = true
            return settings.mounts.compactMap(\.adapter.transport)
        }
        for transport in mounted { try await transport.close() }
        try await transport.close()
    }

    // MARK: Sending

    /// Sends a request built from these parts. The verb methods (`get`, `post`, ...) call this.
    func send(_ method: Method, _ url: String, params: Params?, headers: Headers?, cookies callCookies: [String: String]?,
              data: RequestData?, json: JSONPayload?, files: Files?, auth: Auth?, timeout: Timeout?,
              allowRedirects: Bool?, stream: Bool, proxies: Proxies? = nil, verify: CertificateTrust? = nil,
              cert: ClientCertificate? = nil) async throws -> Response {
        let snapshot = settings.withLock { $0 }
        if snapshot.value.closed { throw SessionClosed(url: url) }
        let fullURL = snapshot.value.baseURL.map { URLBuilder.join(base: $0, url) } ?? url
        var target = try parsed(fullURL)
        target = URLBuilder.adding(params.map { snapshot.value.params.merging($0) } ?? snapshot.value.params, to: target)

        let (body, contentType) = try BodyBuilder.make(data: data, json: json, files: files)
        var allHeaders = headers.map { snapshot.value.headers.updating($0) } ?? snapshot.value.headers
        if let contentType, !allHeaders.contains("Content-Type") { allHeaders["Content-Type"] = contentType }
        let effectiveTimeout = timeout ?? snapshot.value.timeout
        var request = Request(method, url: target, headers: allHeaders, body: body, timeout: effectiveTimeout)
        request.proxies = proxies.map { $0.merging(snapshot.value.proxies) } ?? snapshot.value.proxies
        request.verify = verify
        request.cert = cert
        return try await run(request, settings: snapshot, auth: auth, cookies: callCookies, allowRedirects: allowRedirects, stream: stream)
    }

    /// `URLBuilder.parse(text)`, answered from `lastParsed` when `text` is the same as last time.
    func parsed(_ text: String) throws -> URL {
        if let url = lastParsed.withLock({ last in last.flatMap { $0.text.sameBytes(as: text) ? $0.url : nil } }) {
            return url
        }
        let url = try URLBuilder.parse(text)
        lastParsed.withLock { $0 = (text, url) }
        return url
    }


    /// Sends a request you built yourself through the session's pipeline (redirects, auth, cookies,
    /// retries, hooks), as requests' `Session.send(prepared)` does. Session headers and params are not
    /// added: the request goes as it is.
    ///
    /// ```swift
    /// var request = try Request(.post, url: base + "/post", headers: ["Content-Type": "text/plain"])
    /// request.body = .text("hello")
    /// let response = try await session.send(request)
    /// ```
    public func send(_ request: Request, allowRedirects: Bool? = nil, stream: Bool = false) async throws -> Response {
        let snapshot = settings.withLock { $0 }
        if snapshot.value.closed { throw SessionClosed(url: request.url.absoluteString) }
        var request = request
        request.proxies = request.proxies.merging(snapshot.value.proxies)
        return try await run(request, settings: snapshot, auth: nil, cookies: nil, allowRedirects: allowRedirects, stream: stream)
    }

    private func run(_ request: Request, settings snapshot: Snapshot, auth: Auth?, cookies callCookies: [String: String]?,
                     allowRedirects: Bool?, stream: Bool) async throws -> Response {
        // `http://user:passwd@host/`: the credentials leave the URL (never sent, logged or kept in
        // `response.url`) and become Basic auth, unless the call or the session has auth of its own
        // (requests' and httpx's order). Being auth, they stay on this origin across redirects.
        var (moved, auth) = Self.movingURLCredentials(of: request, auth: auth ?? snapshot.value.auth)
        if snapshot.value.trustEnv { Self.readEnvironment(into: &moved, auth: &auth, settings: snapshot.value) }
        let request = snapshot.value.http2 ? moved : moved.keptToHTTP1()
        let retry = RetryMiddleware(
            mounts: Mounts(entries: snapshot.value.mounts, defaultTransport: transport), attempt: Attempt(hooks: snapshot.value.hooks))
        // The call's origin (reading it from the URL is not cheap) is only needed to decide
        // where credentials and call cookies may go; with neither, the auth step has nothing to do.
        let callCookies = callCookies.map { $0.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } } ?? []
        let origin = auth != nil || !callCookies.isEmpty ? request.origin : nil
        let pipeline = Pipeline(
            redirect: RedirectMiddleware(allowRedirects: allowRedirects ?? (request.method != .head), maxRedirects: snapshot.value.maxRedirects),
            auth: auth.flatMap { auth in origin.map { AuthMiddleware(auth: auth, origin: $0) } },
            cookies: CookieMiddleware(jar: cookies, callCookies: callCookies, origin: origin),
            retry: retry)
        guard let total = request.timeout.total else {
            // No overall deadline (the default): no task group, and no closure to allocate for one.
            return try await Self.complete(request, through: pipeline, stream: stream)
        }
        return try await Self.within(total, url: request.url) {
            try await Self.complete(request, through: pipeline, stream: stream)
        }
    }

    /// requests' `trust_env`: proxies from the environment, a CA bundle (used when neither the call nor
    /// the transport chose whom to trust), and `.netrc` credentials when there are no others.
    static func readEnvironment(into request: inout Request, auth: inout Auth?, settings: Settings) {
        let lookup = settings.environment
        var proxies = EnvironmentProxies(lookup: lookup)
        // requests' `proxies={"no_proxy": ...}` stands in for the variable.
        if let noProxy = request.proxies["no_proxy"] { proxies.noProxy = noProxy }
        if !proxies.isEmpty { request.environmentProxies = proxies }
        if request.verify == nil {
            request.environmentCABundle = ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"].lazy.compactMap({ lookup($0) }).first { !$0.isEmpty }
        }
        if auth == nil, let host = request.url.host, let credentials = Netrc.credentials(host: host, lookup: lookup) {
            auth = .basic(credentials.username, credentials.password)
        }
    }

    /// `request` without credentials in its URL, and the auth to use: `auth`, or else Basic from the URL's.
    static func movingURLCredentials(of request: Request, auth: Auth?) -> (Request, Auth?) {
        guard let credentials = URLCredentials.split(request.url) else { return (request, auth) }
        var stripped = request
        stripped.url = credentials.url
        return (stripped, auth ?? .basic(credentials.username, credentials.password))
    }

    /// Sends `request` through the pipeline, and reads the body unless streaming.
    @inline(__always)
    private static func complete(_ request: Request, through pipeline: Pipeline, stream: Bool) async throws -> Response {
        var response = try await pipeline.send(request)
        if !stream { try await response.buffer() }
        return response
    }

    /// Runs `body`, throwing `TotalTimeout` if it takes longer than `total`.
    static func within<T: Sendable>(_ total: Duration, url: URL, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: total)
                return nil
            }
            defer { group.cancelAll() }
            do {
                if let first = try await group.next(), let value = first { return value }
            } catch is CancellationError {
                if Task.isCancelled { throw CancellationError() }
            }
            throw TotalTimeout(url: url.absoluteString, timeout: total)
        }
    }
}
