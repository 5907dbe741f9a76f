import HTTPWire

/// One HTTP request as the router sees it: a plain value, built by the server from the wire or by a
/// test by hand.
///
/// ```swift
/// let request = Request(method: "POST", target: "/post?a=1",
///                       headers: ["Content-Type": "application/json"],
///                       body: Array(#"{"x": 1}"#.utf8))
/// let response = router.respond(to: request)
/// ```
public struct Request: Sendable {
    /// The method as sent (`GET`, `POST`, or any token).
    public var method: String
    /// The request target exactly as sent: raw path and query, still percent-encoded.
    public var target: String
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// The client's IP address, without port.
    public var remoteAddress: String
    /// `http` or `https`: how the connection reached us.
    public var scheme: String
    /// `HTTP/1.1` or `HTTP/1.0`.
    public var version: String
    /// `host:port` the server is bound to: the URL's authority when the client sent no `Host`.
    public var serverAuthority: String
    /// The authority of an absolute-form target (`GET http://host:port/get`), which the server
    /// turned into `target`'s origin form; nil for the usual origin-form target.
    public var targetAuthority: String? {
        get { absoluteFormAuthority.isEmpty ? nil : absoluteFormAuthority }
        set { absoluteFormAuthority = newValue ?? "" }
    }
    /// `targetAuthority`'s storage, empty for none: stored as an optional, it made every request's
    /// `Request` copy and destroy itself out of line.
    @usableFromInline var absoluteFormAuthority: String
    /// The subject (an RFC 4514 distinguished name) of the client certificate that verified against
    /// `ServerConfiguration.tlsClientCA` on this request's connection; nil when none did or none was asked for.
    public var clientCertificateSubject: String? {
        get { verifiedClientSubject.isEmpty ? nil : verifiedClientSubject }
        set { verifiedClientSubject = newValue ?? "" }
    }
    /// `clientCertificateSubject`'s storage, empty for none (as `absoluteFormAuthority`).
    @usableFromInline var verifiedClientSubject: String
    /// What the server counted of a body it read and did not keep (`/upload`); nil when the body
    /// is in `body`.
    public var discardedBody: DiscardedBody? {
        get {
            discardedByteCount < 0 ? nil : DiscardedBody(byteCount: discardedByteCount, duration: .nanoseconds(discardedNanoseconds))
        }
        set {
            discardedByteCount = newValue?.byteCount ?? -1
            discardedNanoseconds = newValue.map { $0.duration.components.seconds &* 1_000_000_000 &+ $0.duration.components.attoseconds / 1_000_000_000 } ?? 0
        }
    }
    /// `discardedBody`'s storage as two plain integers (-1: none): an optional struct made every
    /// copy of a request go through its value witness, on every request.
    @usableFromInline var discardedByteCount: Int
    @usableFromInline var discardedNanoseconds: Int64

    // Inlinable: the server builds one per request from another module.
    @inlinable
    public init(
        method: String, target: String, headers: HTTPHeaders = [:], body: [UInt8] = [],
        remoteAddress: String = "127.0.0.1", scheme: String = "http", version: String = "HTTP/1.1",
        serverAuthority: String = "127.0.0.1", targetAuthority: String? = nil
    ) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
        self.scheme = scheme
        self.version = version
        self.serverAuthority = serverAuthority
        self.absoluteFormAuthority = targetAuthority ?? ""
        self.verifiedClientSubject = ""
        self.discardedByteCount = -1
        self.discardedNanoseconds = 0
    }

    /// `host[:port]` as the client addressed us: its `Host` header, else the bound address.
    public var authority: String { headers.first("Host") ?? serverAuthority }

    /// An absolute-form target (RFC 9112 §3.2.2, `http://host:port/path?query`, which a server must
    /// accept) split into its authority, without user info, and the origin form a server routes by;
    /// nil for any other form.
    ///
    /// ```swift
    /// Request.absoluteForm("http://127.0.0.1:8080/get?a=1")   // ("127.0.0.1:8080", "/get?a=1")
    /// Request.absoluteForm("HTTPS://example.com")             // ("example.com", "/")
    /// Request.absoluteForm("/get")                            // nil
    /// ```
    public static func absoluteForm(_ target: String) -> (authority: String, originForm: String)? {
        let bytes = Array(target.utf8)
        guard let first = bytes.first, first == UInt8(ascii: "h") || first == UInt8(ascii: "H") else { return nil }
        let schemeEnd: Int
        if bytes.count > 7, String(decoding: bytes[0..<7], as: UTF8.self).lowercased() == "http://" {
            schemeEnd = 7
        } else if bytes.count > 8, String(decoding: bytes[0..<8], as: UTF8.self).lowercased() == "https://" {
            schemeEnd = 8
        } else {
            return nil
        }
        let rest = bytes[schemeEnd...]
        let authorityEnd = rest.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? bytes.endIndex
        var authority = bytes[schemeEnd..<authorityEnd]
        if let at = authority.lastIndex(of: UInt8(ascii: "@")) { authority = authority[(at + 1)...] }
        guard !authority.isEmpty else { return nil }
        let path = bytes[authorityEnd...]
        let originForm = path.first == UInt8(ascii: "/") ? Array(path) : [UInt8(ascii: "/")] + path
        return (String(decoding: authority, as: UTF8.self), String(decoding: originForm, as: UTF8.self))
    }

    /// The raw path: the target up to `?` (or `#`).
    public var rawPath: Substring {
        var target = self.target
        let length = target.withUTF8 { bytes in
            bytes.firstIndex { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? bytes.count
        }
        // One index and one slice of the String: going through `utf8Slice` made a Substring first.
        return self.target[..<self.target.utf8.index(self.target.utf8.startIndex, offsetBy: length)]
    }

    /// The raw query after `?`, without the fragment; empty when there is none (a `?` inside the
    /// fragment starts no query).
    public var rawQuery: Substring {
        var target = self.target
        let range = target.withUTF8 { Self.queryRange(in: $0) }
        guard let range else { return "" }
        return self.target[...].utf8Slice(range)
    }

    /// Offsets of the query in a target's bytes: after the first `?`, up to `#`, unless a `#` came first.
    static func queryRange(in bytes: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        guard let mark = bytes.firstIndex(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }),
            bytes[mark] == UInt8(ascii: "?")
        else { return nil }
        let end = bytes[(mark + 1)...].firstIndex(of: UInt8(ascii: "#")) ?? bytes.endIndex
        return (mark + 1)..<end
    }

    /// The path, percent-decoded (`+` stays `+`).
    public var path: String { PercentCoding.decode(rawPath, plusAsSpace: false) }

    /// Query arguments in wire order, decoded; a key without `=` has the value `""`.
    public var query: [(name: String, value: String)] {
        // Straight from the target's bytes, with no `Substring` to slice and no UTF-8 view to ask
        // for contiguous storage: every echo parses its query.
        var target = self.target
        return target.withUTF8 { bytes in
            guard let range = Self.queryRange(in: bytes) else { return [] }
            return URLEncodedForm.parse(UnsafeBufferPointer(rebasing: bytes[range]))
        }
    }

    /// The first value of a query argument.
    public func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }
}

extension Substring {
    /// The text between two UTF-8 offsets from the start, found from the bytes rather than from
    /// `Character`s: indices are used as they are, not rounded to a grapheme boundary (a `/` followed
    /// by a combining mark still ends a path segment). The offsets must fall between scalars.
    @inline(__always)
    func utf8Slice(_ offsets: Range<Int>) -> Substring {
        let start = utf8.index(utf8.startIndex, offsetBy: offsets.lowerBound)
        let end = utf8.index(start, offsetBy: offsets.count)
        return Substring(utf8[start..<end])
    }
}
