/// How long a request may take: to connect, between bytes read, and in total.
///
/// A bare number is both the connect and the read timeout, like `timeout=2` in requests.
/// There is always a limit: the default is 10 s to connect and 30 s between reads.
///
/// ```swift
/// try await Requests.get(url, timeout: 2)                                  // connect 2 s, read 2 s
/// try await Requests.get(url, timeout: Timeout(connect: 5, read: 30))     // requests' (5, 30)
/// try await Requests.get(url, timeout: Timeout(total: .seconds(10)))       // a deadline for the whole call
/// ```
public struct Timeout: Sendable, Hashable, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral {
    /// Time allowed to open a connection (and to wait for a pooled one).
    public var connect: Duration
    /// Time allowed between two reads from the server, including waiting for the response head.
    public var read: Duration
    /// Time allowed for the whole call (redirects, retries, reading the body), or `nil` for no overall limit.
    public var total: Duration?

    /// 10 s to connect, 30 s per read, no total limit.
    public static let `default` = Timeout(connect: .seconds(10), read: .seconds(30))

    public init(connect: Duration = .seconds(10), read: Duration = .seconds(30), total: Duration? = nil) {
        self.connect = connect
        self.read = read
        self.total = total
    }

    /// Connect and read timeouts in seconds, like requests' `timeout=(5, 30)`.
    public init(connect: Double, read: Double) {
        self.init(connect: .seconds(connect), read: .seconds(read))
    }

    /// The same limit to connect and for each read.
    public static func seconds(_ seconds: Double) -> Timeout {
        Timeout(connect: .seconds(seconds), read: .seconds(seconds))
    }

    /// The same limit to connect and for each read.
    public static func duration(_ duration: Duration) -> Timeout {
        Timeout(connect: duration, read: duration)
    }

    public init(integerLiteral value: Int) { self = .seconds(Double(value)) }
    public init(floatLiteral value: Double) { self = .seconds(value) }
}

extension Duration {
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
