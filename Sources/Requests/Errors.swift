import HTTPWire
import Foundation

/// Every error this library throws. Catch it to handle anything that went wrong with a call.
///
/// The kinds form a hierarchy as in requests, modelled with protocols so one error can be several
/// kinds: a connect timeout is both a `ConnectionError` and a `TimeoutError`.
///
/// ```swift
/// do {
///     let r = try await Requests.get(url, timeout: 2)
///     try r.raiseForStatus()
/// } catch let error as TimeoutError {          // connect, read or total
///     print("timed out:", error.kind)
/// } catch is ConnectionError {
///     print("could not reach the server")
/// } catch let error as HTTPStatusError {
///     print("HTTP", error.response.statusCode)
/// } catch let error as RequestError {
///     print("request failed:", error)
/// }
/// ```
public protocol RequestError: Error, CustomStringConvertible, Sendable {
    /// The URL the failing request went to, when there was one.
    var url: String? { get }
}

/// The server could not be reached, or the connection broke before a whole response arrived.
public protocol ConnectionError: RequestError {}

/// Which limit a `TimeoutError` hit.
public enum TimeoutKind: String, Sendable, Hashable {
    /// Opening the connection (or waiting for a free pooled one) took too long.
    case connect
    /// The server went quiet for longer than the read timeout.
    case read
    /// The whole call went past `Timeout.total`.
    case total
}

/// A timeout fired.
public protocol TimeoutError: RequestError {
    var kind: TimeoutKind { get }
}

/// Could not connect (refused, unknown host, network down).
public struct ConnectFailed: ConnectionError {
    public var url: String?
    /// What the networking layer reported.
    public var underlying: String
    public var description: String {
        "could not connect to \(url ?? "the server"): \(underlying). Check the host and port, and that the server is running."
    }
}

/// The connection was closed by the server before the response was complete.
public struct ConnectionClosed: ConnectionError {
    public var url: String?
    public var description: String {
        "the server closed the connection before the response to \(url ?? "the request") was complete. It may have crashed or dropped the request; mount an Adapter with a Retry policy if this is transient."
    }
}

/// Could not connect within the connect timeout. Both a `ConnectionError` and a `TimeoutError`.
public struct ConnectTimeout: ConnectionError, TimeoutError {
    public var url: String?
    public var timeout: Duration
    public var kind: TimeoutKind { .connect }
    public var description: String {
        "connecting to \(url ?? "the server") took longer than \(timeout.seconds) s. Check that the host is reachable, or raise Timeout.connect."
    }
}

/// The server sent nothing for longer than the read timeout.
public struct ReadTimeout: TimeoutError {
    public var url: String?
    public var timeout: Duration
    public var kind: TimeoutKind { .read }
    public var description: String {
        "\(url ?? "the server") sent nothing for \(timeout.seconds) s. Raise Timeout.read if the server is just slow."
    }
}

/// The whole call took longer than `Timeout.total`.
public struct TotalTimeout: TimeoutError {
    public var url: String?
    public var timeout: Duration
    public var kind: TimeoutKind { .total }
    public var description: String {
        "the call to \(url ?? "the server") did not finish within its total timeout of \(timeout.seconds) s. Raise Timeout.total or make the call cheaper."
    }
}

/// A 4xx or 5xx status, thrown by `Response.raiseForStatus()`. Carries the response.
public struct HTTPStatusError: RequestError {
    public var response: Response
    public var url: String? { response.url.absoluteString }
    public var statusCode: Int { response.statusCode }
    public var description: String {
        let side = response.statusCode >= 500 ? "Server Error" : "Client Error"
        var text = "\(response.statusCode) \(side): \(response.reason) for url: \(response.url.absoluteString)"
        if response.statusCode == 401 { text += ". Check the credentials (auth: or an Authorization header)." }
        if response.statusCode == 429 || response.statusCode == 503, let after = response.headers["Retry-After"] {
            text += ". The server asks to retry after \(after)."
        }
        return text
    }
}

/// A redirect chain went past the session's `maxRedirects`.
public struct TooManyRedirects: RequestError {
    public var url: String?
    public var maxRedirects: Int
    /// The redirect responses followed so far, oldest first.
    public var history: [Response]
    public var description: String {
        "exceeded \(maxRedirects) redirects starting at \(url ?? "the request"). Look for a redirect loop, raise Session.maxRedirects, or pass allowRedirects: false."
    }
}

/// The URL could not be used.
public struct InvalidURL: RequestError {
    public var url: String?
    public var reason: String
    public var description: String { "invalid URL '\(url ?? "")': \(reason)" }
}

/// The call's body arguments cannot be combined (files with raw `data`, say). Nothing was sent.
public struct InvalidBody: RequestError {
    public var url: String?
    public var reason: String
    public var description: String { "invalid request body\(url.map { " for \($0)" } ?? ""): \(reason)" }
}

/// The body could not be turned into what was asked for: its `Content-Encoding` did not decode
/// (`ContentDecodingError`), or it was not the JSON expected (`InvalidJSON`).
///
/// (Not named `DecodingError`: that would shadow Swift's own `DecodingError` in every file that
/// imports this library.)
///
/// ```swift
/// do {
///     let user = try await session.get(url).decode(User.self)
/// } catch let error as ResponseDecodingError {
///     print("unexpected body:", error)
/// }
/// ```
public protocol ResponseDecodingError: RequestError {}

/// A body sent with `Content-Encoding: gzip`, `deflate`, `br` or `zstd` did not decode: damaged, cut short, or in
/// another format than the header says (requests' `ContentDecodingError`).
///
/// ```swift
/// do {
///     _ = try await Requests.get(url)
/// } catch let error as ContentDecodingError {
///     print(error.encoding, error.reason)   // "gzip", "the compressed data is damaged ..."
/// }
/// // the bytes as sent, undecoded:
/// let raw = Session(transport: AsyncHTTPClientTransport(decompress: false))
/// ```
public struct ContentDecodingError: ResponseDecodingError {
    public var url: String?
    /// The `Content-Encoding` that failed, lowercased: `gzip`, `deflate`, `br`, `zstd`, or a list (`gzip, br`).
    public var encoding: String
    /// What was wrong with the data.
    public var reason: String
    public var description: String {
        "the body from \(url ?? "the server") is marked Content-Encoding: \(encoding) but does not decode: \(reason). Use AsyncHTTPClientTransport(decompress: false) to get the bytes as sent."
    }
}

/// The body was not valid JSON, or did not match the `Decodable` type asked for.
public struct InvalidJSON: ResponseDecodingError {
    public var url: String?
    public var reason: String
    /// The first bytes of the body, as text, to see what came instead.
    public var bodyPrefix: String
    /// What to do about it.
    public var hint: String = "Check Content-Type, or read response.text."
    public var description: String {
        "the response from \(url ?? "the server") is not the JSON expected: \(reason). It starts with: \(bodyPrefix.debugDescription). \(hint)"
    }
}

/// A `Retry` policy ran out of tries on retryable statuses, and `raiseOnStatus` is set.
public struct RetryError: RequestError {
    public var url: String?
    /// The last response received.
    public var response: Response
    public var description: String {
        "gave up on \(url ?? "the request") after retries: the last answer was \(response.statusCode) \(response.reason). Raise Retry.total or fix the server; set raiseOnStatus: false to get the response instead."
    }
}

/// A file to upload could not be opened.
public struct FileUnreadable: RequestError {
    public var path: String
    public var url: String? { nil }
    public var description: String { "cannot read the file '\(path)' to upload. Check the path (relative paths start at the current directory)." }
}

/// Any other failure of the transport; `underlying` says what.
public struct TransportFailure: RequestError {
    public var url: String?
    public var underlying: String
    public var description: String { "the request to \(url ?? "the server") failed: \(underlying)" }
}

/// The session was closed before this call.
public struct SessionClosed: RequestError {
    public var url: String?
    public var description: String { "the session is closed; create a new Session to send \(url ?? "requests")." }
}

/// Authentication could not be completed (e.g. an unsupported digest algorithm).
public struct AuthenticationFailed: RequestError {
    public var url: String?
    public var reason: String
    public var description: String { "authentication for \(url ?? "the request") failed: \(reason)" }
}

/// The proxy could not be used: it refused the tunnel, or wanted credentials (requests' `ProxyError`).
///
/// ```swift
/// do {
///     _ = try await Requests.get(url, proxies: ["all": "http://127.0.0.1:3128"])
/// } catch let error as ProxyError {
///     print(error.reason)
/// }
/// ```
public struct ProxyError: ConnectionError {
    public var url: String?
    public var reason: String
    public var description: String { "the proxy for \(url ?? "the request") failed: \(reason)" }
}

/// A certificate, key or certificate authority file given for TLS could not be read.
public struct InvalidTLSFile: RequestError {
    public var path: String
    public var reason: String
    public var url: String? { nil }
    public var description: String { "cannot use '\(path)' for TLS: \(reason). Check the path (relative paths start at the current directory)." }
}
