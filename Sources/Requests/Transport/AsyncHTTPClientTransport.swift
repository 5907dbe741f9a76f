import HTTPWire
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// Which server certificates an https connection accepts (requests' `verify=`): `true`, `false` or
/// `.file("ca.pem")` as `verify:` on a call, or `trust:` for a whole session.
///
/// ```swift
/// let pem = try String(contentsOfFile: "ca.pem", encoding: .utf8)
/// let session = Session(transport: AsyncHTTPClientTransport(trust: .authorities(pem: pem)))
/// let r = try await session.get("https://127.0.0.1:8443/get", verify: .file("ca.pem"))   // verify="ca.pem"
/// let unchecked = try await session.get("https://127.0.0.1:8443/get", verify: false)      // verify=False
/// ```
public enum CertificateTrust: Sendable, Hashable, ExpressibleByBooleanLiteral {
    /// The system's root certificates (the default).
    case system
    /// Only certificates issued by these PEM-encoded authorities (requests' `verify="ca.pem"`).
    case authorities(pem: String)
    /// Only certificates issued by the authorities in this PEM file, read when a connection needs it
    /// (an unreadable file throws `InvalidTLSFile` then).
    case file(String)
    /// Any certificate, unchecked: for local testing only (requests' `verify=False`).
    case insecureAcceptAnything

    /// `true` is `.system`, `false` is `.insecureAcceptAnything`, as requests' `verify=True/False`.
    public init(booleanLiteral value: Bool) { self = value ? .system : .insecureAcceptAnything }
}

/// A client certificate and its private key, PEM files, presented to servers that ask for one
/// (requests' `cert=("client.pem", "client.key")`, or `cert="both.pem"` with the key in the same file).
///
/// ```swift
/// let session = Session(trust: .file("ca.pem"), cert: ClientCertificate(certificate: "client.pem", key: "client.key"))
/// let r = try await session.get("https://127.0.0.1:8443/get", cert: "both.pem")
/// ```
public struct ClientCertificate: Sendable, Hashable, ExpressibleByStringLiteral {
    /// The certificate (chain), PEM.
    public var certificatePath: String
    /// The private key, PEM (unencrypted).
    public var keyPath: String

    public init(certificate: String, key: String) {
        certificatePath = certificate
        keyPath = key
    }
    /// One PEM file holding both the certificate and its key.
    public init(_ path: String) { self.init(certificate: path, key: path) }
    public init(stringLiteral path: String) { self.init(path) }
}

/// The default transport: AsyncHTTPClient, with its own redirect handling off (the session follows
/// redirects), gzip and deflate bodies decoded (by this library: AsyncHTTPClient's decompressor is off), and
/// a connection pool per host.
///
/// HTTP/2 is used where the server offers it in the TLS handshake (ALPN); a session with `http2: false`
/// asks for HTTP/1.1 only.
///
/// AsyncHTTPClient sets connect and read timeouts and the HTTP version per `HTTPClient`, so each
/// distinct (connect, read, HTTP/1.1 only) triple gets a client of its own, created on first use. At most `maxClients` are kept: the least recently used one beyond
/// that is shut down as soon as the requests on it (their bodies read) are done, so code that passes a
/// different timeout on every call (a remaining-time budget) holds a bounded number of clients and
/// connections. `close()` shuts them all down.
///
/// ```swift
/// let session = Session(transport: AsyncHTTPClientTransport(connectionsPerHost: 4))
/// ```
public final class AsyncHTTPClientTransport: Transport {
    /// The transport behind the top-level functions (`Requests.get` ...). It lives as long as the
    /// process: `close()` leaves it open, whichever session or mount asks.
    public static let shared = AsyncHTTPClientTransport(livesForTheProcess: true)
    /// Set only for `shared`: nothing that borrows it may close it for everyone else.
    private let livesForTheProcess: Bool

    /// What a client is made for: AsyncHTTPClient sets timeouts, the proxy and TLS per client.
    struct Key: Hashable {
        var connect: Duration
        var read: Duration
        /// HTTP/1.1 only (a session's `http2: false`): AsyncHTTPClient chooses the version per client.
        var http1Only = false
        var proxy: ProxyServer? = nil
        /// The call's own `verify`, or nil for the transport's `trust`.
        var verify: CertificateTrust? = nil
        var cert: ClientCertificate? = nil
    }
    /// A client kept for one pair of timeouts.
    private struct Kept {
        var key: Key
        var client: HTTPClient
        /// Requests using it, from sending to the end of the body.
        var inFlight: Int
        /// When it was last asked for (a counter), to find the least recently used.
        var lastUse: UInt64
    }
    /// A client dropped from `kept`, shut down when its last request is done.
    private struct Retiring {
        var client: HTTPClient
        var inFlight: Int
    }
    private struct State {
        /// At most `maxClients`, searched in order: so few that comparing keys is cheaper than hashing one.
        var kept: [Kept] = []
        var retiring: [Retiring] = []
        var uses: UInt64 = 0
        var closed = false

        /// Every client, emptying the state.
        mutating func takeAll() -> [HTTPClient] {
            defer { (kept, retiring) = ([], []) }
            return kept.map(\.client) + retiring.map(\.client)
        }
    }
    /// The most clients (one per distinct connect and read timeouts and HTTP version choice) kept at once.
    static let maxClients = 4
    private let state = Mutex(State())
    /// The most connections opened to one host at once; further requests wait for a free one.
    public let connectionsPerHost: Int
    private let decompress: Bool
    public var decodesContent: Bool { decompress }
    /// Which certificates https connections accept unless a call says otherwise (`Request.verify`).
    private let trust: CertificateTrust
    /// The client certificate presented unless a call gives its own (`Request.cert`).
    private let cert: ClientCertificate?

    /// - Parameters:
    ///   - connectionsPerHost: the most connections open to one host at once.
    ///   - decompress: decode gzip and deflate bodies (zlib-wrapped or raw deflate). Headers stay as sent
    ///     either way; `false` gives the body's bytes as sent.
    ///   - trust: which certificates https connections accept. An unreadable PEM throws when used.
    ///   - cert: a client certificate for servers that ask for one (requests' `cert=`).
    public convenience init(connectionsPerHost: Int = 8, decompress: Bool = true, trust: CertificateTrust = .system,
                            cert: ClientCertificate? = nil) {
        self.init(connectionsPerHost: connectionsPerHost, decompress: decompress, trust: trust, cert: cert, livesForTheProcess: false)
    }

    private init(connectionsPerHost: Int = 8, decompress: Bool = true, trust: CertificateTrust = .system, cert: ClientCertificate? = nil,
                 livesForTheProcess: Bool) {
        self.livesForTheProcess = livesForTheProcess
        self.connectionsPerHost = max(1, connectionsPerHost)
        self.decompress = decompress
        self.trust = trust
        self.cert = cert
    }

    /// The TLS settings for a client: whose certificates to accept, and which certificate to present.
    static func tlsConfiguration(trust: CertificateTrust, cert: ClientCertificate?) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch trust {
        case .system: break
        case .authorities(let pem):
            if let certificates = try? NIOSSLCertificate.fromPEMBytes(Array(pem.utf8)), !certificates.isEmpty {
                tls.trustRoots = .certificates(certificates)
            } else {
                tls.trustRoots = .certificates([])   // nothing readable: trust nothing rather than everything
            }
        case .file(let path):
            guard let certificates = try? NIOSSLCertificate.fromPEMFile(path), !certificates.isEmpty else {
                throw InvalidTLSFile(path: path, reason: "no PEM certificate could be read from it (verify:, trust:, REQUESTS_CA_BUNDLE or SSL_CERT_FILE)")
            }
            tls.trustRoots = .certificates(certificates)
        case .insecureAcceptAnything:
            tls.certificateVerification = .none
        }
        if let cert {
            guard let chain = try? NIOSSLCertificate.fromPEMFile(cert.certificatePath), !chain.isEmpty else {
                throw InvalidTLSFile(path: cert.certificatePath, reason: "no PEM client certificate could be read from it")
            }
            guard let key = try? NIOSSLPrivateKey(file: cert.keyPath, format: .pem) else {
                throw InvalidTLSFile(path: cert.keyPath, reason: "no unencrypted PEM private key could be read from it")
            }
            tls.certificateChain = chain.map { .certificate($0) }
            tls.privateKey = .privateKey(key)
        }
        return tls
    }

    deinit {
        // AsyncHTTPClient requires a shutdown before an HTTPClient goes away; a session dropped without
        // close() must not crash, so shut down whatever is left. Shutdown keeps the client alive until done.
        let clients = state.withLock { $0.takeAll() }
        for client in clients { client.shutdown { _ in } }
    }

    /// How many clients this transport holds (kept and still finishing): for tests.
    var clientCount: Int { state.withLock { $0.kept.count + $0.retiring.count } }
    /// How many clients are kept for reuse (at most `maxClients`; retired ones still finishing aside): for tests.
    var keptClientCount: Int { state.withLock { $0.kept.count } }

    /// The client that serves `timeout` now (for tests: it is not counted as in use).
    func client(for timeout: Timeout, url: String, http1Only: Bool = false) throws -> HTTPClient {
        let client = try acquireClient(for: Key(connect: timeout.connect, read: timeout.read, http1Only: http1Only), url: url)
        release(client)
        return client
    }

    /// The client for `key`, counted as in use until `release` is called for it.
    func acquireClient(for key: Key, url: String) throws -> HTTPClient {
        /// The kept client for `key`, marked in use; nil when there is none yet.
        func reuse(_ state: inout State) throws -> HTTPClient? {
            if state.closed { throw SessionClosed(url: url) }
            guard let index = state.kept.firstIndex(where: { $0.key == key }) else { return nil }
            state.uses &+= 1
            state.kept[index].inFlight += 1
            state.kept[index].lastUse = state.uses
            return state.kept[index].client
        }
        // The usual case, one lock: the key has a client.
        if let client = try state.withLock({ try reuse(&$0) }) { return client }
        // A new client: its TLS settings may read files, so outside the lock.
        let tls = try Self.tlsConfiguration(trust: key.verify ?? trust, cert: key.cert ?? cert)
        var evicted: HTTPClient?
        defer { evicted?.shutdown { _ in } }
        return try state.withLock { state in
            if let client = try reuse(&state) { return client }   // made by another call meanwhile
            state.uses &+= 1
            if state.kept.count >= Self.maxClients,
                let oldest = state.kept.indices.min(by: { state.kept[$0].lastUse < state.kept[$1].lastUse }) {
                let old = state.kept.remove(at: oldest)
                if old.inFlight == 0 {
                    evicted = old.client
                } else {
                    state.retiring.append(Retiring(client: old.client, inFlight: old.inFlight))
                }
            }
            var configuration = HTTPClient.Configuration(
                tlsConfiguration: tls,
                redirectConfiguration: .disallow,
                // NIO's Duration conversion saturates; Int64(seconds * 1e9) trapped past ~292 years.
                timeout: .init(connect: TimeAmount(key.connect), read: TimeAmount(key.read)),
                connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connectionsPerHost),
                // Decoding is ours (`ResponseBody`): AsyncHTTPClient's decompressor sits in every
                // connection's pipeline and costs every response, plain bodies too.
                decompression: .disabled
            )
            // HTTP/2 when the server offers it by ALPN, as httpx with http2=True.
            configuration.httpVersion = key.http1Only ? .http1Only : .automatic
            // By default AsyncHTTPClient retries a failed connection (refused, unreachable) with backoff
            // until the connect timeout and only then fails: a refused port would take the whole connect
            // timeout to report. Fail at once, as requests does; retries are the Retry policy's job.
            configuration.connectionPool.retryConnectionEstablishment = false
            configuration.proxy = key.proxy.map(Self.configuredProxy)
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            state.kept.append(Kept(key: key, client: client, inFlight: 1, lastUse: state.uses))
            return client
        }
    }

    /// AsyncHTTPClient's form of `proxy`: an HTTP proxy (CONNECT, with Basic `Proxy-Authorization` from
    /// the URL's credentials) or a SOCKS5 one.
    static func configuredProxy(_ proxy: ProxyServer) -> HTTPClient.Configuration.Proxy {
        switch proxy.kind {
        case .socks5:
            return .socksServer(host: proxy.host, port: proxy.port)
        case .http:
            let authorization = proxy.username.map { HTTPClient.Authorization.basic(username: $0, password: proxy.password ?? "") }
            return .server(host: proxy.host, port: proxy.port, authorization: authorization)
        }
    }

    /// Marks one request on `client` done; a retired client whose last request this was shuts down.
    func release(_ client: HTTPClient) {
        let finished = state.withLock { state -> HTTPClient? in
            if let index = state.kept.firstIndex(where: { $0.client === client }) {
                state.kept[index].inFlight -= 1
                return nil
            }
            guard let index = state.retiring.firstIndex(where: { $0.client === client }) else { return nil }   // closed
            state.retiring[index].inFlight -= 1
            return state.retiring[index].inFlight == 0 ? state.retiring.remove(at: index).client : nil
        }
        finished?.shutdown { _ in }
    }

    public func send(_ request: Request) async throws -> Response {
        let urlText = request.url.absoluteString
        let key = Key(connect: request.timeout.connect, read: request.timeout.read, http1Only: !request.allowsHTTP2,
                      proxy: try ProxyServer.choose(for: request),
                      verify: request.verify ?? (trust == .system ? request.environmentCABundle.map(CertificateTrust.file) : nil),
                      cert: request.cert)
        let client = try acquireClient(for: key, url: urlText)
        let lease = Lease(transport: self, client: client)
        var outgoing = HTTPClientRequest(url: urlText)
        outgoing.method = .init(rawValue: request.method.rawValue)
        // In one go: `add(name:value:)` checks each name for non-ASCII bytes one byte at a time, and grows
        // the array field by field. AsyncHTTPClient
        // still checks every name and value before sending; an invalid one throws (it used to trap).
        outgoing.headers = NIOHTTP1.HTTPHeaders(request.headers.fields.map { ($0.name, $0.value) })
        if let bytes = request.body.inMemoryBytes {
            if !bytes.isEmpty || request.method == .post || request.method == .put || request.method == .patch {
                outgoing.body = .bytes(bytes)
            }
        } else {
            let length: HTTPClientRequest.Body.Length = request.body.length.map { .known(Int64($0)) } ?? .unknown
            outgoing.body = .stream(ByteBufferChunks(chunks: request.body.chunks), length: length)
        }
        // AsyncHTTPClient's deadline only covers the wait for the head; the session enforces the total.
        // Without a total, a year: written as a TimeAmount, as converting a Duration costs a 128-bit multiply.
        let deadline = request.timeout.total.map { TimeAmount($0) } ?? .seconds(365 * 86400)
        let start = ContinuousClock.now
        let answer: HTTPClientResponse
        do {
            answer = try await client.execute(outgoing, timeout: deadline)
        } catch {
            lease.end()
            throw Self.translate(error, url: urlText, timeout: request.timeout)
        }
        let headers = Headers(answer.headers.map { ($0.name, $0.value) })
        let body = ResponseBody(incoming: AsyncHTTPClientBody(body: answer.body, url: urlText, readTimeout: request.timeout.read, lease: lease))
        return Response(statusCode: Int(answer.status.code), reason: answer.status.reasonPhrase, headers: headers, url: request.url,
                        body: body, elapsed: ContinuousClock.now - start, request: request,
                        httpVersion: .init(major: answer.version.major, minor: answer.version.minor))
    }

    /// Shuts every client down. Requests after this throw `SessionClosed`. Does nothing for `shared`.
    public func close() async throws {
        if livesForTheProcess { return }
        let clients = state.withLock { state in
            state.closed = true
            return state.takeAll()
        }
        for client in clients { try await client.shutdown() }
    }

    /// Maps AsyncHTTPClient and NIO errors onto this library's kinds.
    static func translate(_ error: any Error, url: String?, timeout: Timeout) -> any Error {
        if error is any RequestError || error is CancellationError { return error }
        if let clientError = error as? HTTPClientError {
            switch clientError {
            case .proxyAuthenticationRequired:
                return ProxyError(url: url, reason: "the proxy answered 407 Proxy Authentication Required; put the credentials in the proxy URL (http://user:pass@host:port)")
            case .invalidProxyResponse:
                return ProxyError(url: url, reason: "the proxy refused the tunnel (its answer to CONNECT was not 200)")
            case .connectTimeout, .getConnectionFromPoolTimeout, .socksHandshakeTimeout, .httpProxyHandshakeTimeout, .tlsHandshakeTimeout:
                return ConnectTimeout(url: url, timeout: timeout.connect)
            case .readTimeout:
                return ReadTimeout(url: url, timeout: timeout.read)
            case .deadlineExceeded:
                return TotalTimeout(url: url, timeout: timeout.total ?? .zero)
            case .remoteConnectionClosed:
                return ConnectionClosed(url: url)
            case .invalidURL, .emptyHost, .emptyScheme:
                return InvalidURL(url: url, reason: String(describing: clientError))
            case .cancelled:
                return CancellationError()
            case .alreadyShutdown:
                return SessionClosed(url: url)
            default:
                if String(describing: clientError).contains("unsupportedScheme") {
                    return InvalidURL(url: url, reason: "the scheme is not supported; use http:// or https://")
                }
                return TransportFailure(url: url, underlying: String(describing: clientError))
            }
        }
        let text = String(describing: error)
        if let channelError = error as? ChannelError {
            switch channelError {
            case .connectTimeout: return ConnectTimeout(url: url, timeout: timeout.connect)
            case .eof, .ioOnClosedChannel, .outputClosed, .inputClosed, .alreadyClosed: return ConnectionClosed(url: url)
            default: return TransportFailure(url: url, underlying: text)
            }
        }
        if error is NIOConnectionError || error is SocketAddressError {
            return ConnectFailed(url: url, underlying: text)
        }
        if let ioError = error as? IOError {
            switch ioError.errnoCode {
            case ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, EADDRNOTAVAIL, EHOSTDOWN:
                return ConnectFailed(url: url, underlying: text)
            case ECONNRESET, EPIPE, ECONNABORTED:
                return ConnectionClosed(url: url)
            default:
                return TransportFailure(url: url, underlying: text)
            }
        }
        let typeName = String(describing: type(of: error))
        if error is NIOSSLError || typeName.contains("BoringSSLError") {
            return ConnectFailed(url: url, underlying: "TLS handshake failed (\(text)); check the server's certificate, or trust its authority with AsyncHTTPClientTransport(trust:)")
        }
        if let parserError = error as? HTTPParserError, parserError == .invalidEOFState {
            // The connection closed before the announced body was complete (requests: ChunkedEncodingError).
            return ConnectionClosed(url: url)
        }
        return TransportFailure(url: url, underlying: String(describing: error))
    }
}

/// One request's use of a client, ended once (when the body has been read, or the request failed), so
/// that a retired client is shut down only when nothing uses it.
final class Lease: Sendable {
    let transport: AsyncHTTPClientTransport
    let client: HTTPClient
    private let ended = Atomic<Bool>(false)
    init(transport: AsyncHTTPClientTransport, client: HTTPClient) {
        self.transport = transport
        self.client = client
    }
    func end() {
        if !ended.exchange(true, ordering: .relaxed) { transport.release(client) }
    }
    deinit { end() }
}

/// A response body AsyncHTTPClient is reading, as the response reads it, with its errors as ours.
struct AsyncHTTPClientBody: IncomingBody {
    let body: HTTPClientResponse.Body
    let url: String?
    let readTimeout: Duration
    let lease: Lease

    func makeChunks() -> any IncomingChunks { Chunks(iterator: body.makeAsyncIterator(), url: url, readTimeout: readTimeout, lease: lease) }

    func collect() async throws -> [UInt8] {
        defer { lease.end() }
        do {
            return Array(try await body.collect(upTo: .max).readableBytesView)
        } catch {
            throw AsyncHTTPClientTransport.translate(error, url: url, timeout: Timeout(read: readTimeout))
        }
    }

    struct Chunks: IncomingChunks {
        var iterator: HTTPClientResponse.Body.AsyncIterator
        let url: String?
        let readTimeout: Duration
        let lease: Lease

        mutating func next() async throws -> [UInt8]? {
            do {
                guard let chunk = try await iterator.next() else {
                    lease.end()
                    return nil
                }
                return Array(chunk.readableBytesView)
            } catch {
                lease.end()
                throw AsyncHTTPClientTransport.translate(error, url: url, timeout: Timeout(read: readTimeout))
            }
        }
    }
}

/// A request body as AsyncHTTPClient wants it: `ByteBuffer`s.
struct ByteBufferChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let chunks: BodyChunks
    func makeAsyncIterator() -> Iterator { Iterator(inner: chunks.makeAsyncIterator()) }
    struct Iterator: AsyncIteratorProtocol {
        var inner: BodyChunks.Iterator
        mutating func next() async throws -> Element? {
            try await inner.next().map { Element(bytes: $0) }
        }
    }
}
