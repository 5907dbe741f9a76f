/// How long a request may take: to connect, between bytes read, and in total.
///
/// A bare number is both the connect and the read timeout, like `timeout=2` in requests.
/// There is always a limit: the default is 10 s to connect and 30 s between reads. Each limit is a
/// number of seconds or a `Duration`-like `.seconds(_)`/`.milliseconds(_)`, mixed as you like.
///
/// ```swift
/// try await Requests.get(url, timeout: 2)                                  // connect 2 s, read 2 s
/// try await Requests.get(url, timeout: Timeout(connect: 5, read: 30))     // requests' (5, 30)
/// try await Requests.get(url, timeout: Timeout(total: .seconds(10)))       // a deadline for the whole call
/// try await Requests.get(url, timeout: Timeout(connect: 5, read: 30, total: .seconds(60)))
/// try await Requests.get(url, timeout: Timeout(connect: 0.5, read: .milliseconds(1500), total: 10))
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

    /// Limits given as seconds (`5`, `0.5`) or as `.seconds(_)`/`.milliseconds(_)`, in any mix.
    ///
    /// ```swift
    /// Timeout(connect: 5, read: 30, total: .seconds(10))
    /// ```
    public init(connect: TimeLimit = 10, read: TimeLimit = 30, total: TimeLimit? = nil) {
        self.connect = connect.duration
        self.read = read.duration
        self.total = total?.duration
    }

    /// Limits given as `Duration` values you already hold.
    ///
    /// ```swift
    /// let budget: Duration = .seconds(3)
    /// Timeout(connect: budget, read: budget, total: budget)
    /// ```
    @_disfavoredOverload
    public init(connect: Duration = .seconds(10), read: Duration = .seconds(30), total: Duration? = nil) {
        self.connect = connect
        self.read = read
        self.total = total
    }

    /// Limits in seconds held in `Double`s, like requests' `timeout=(connect, read)`.
    ///
    /// ```swift
    /// let connect = 3.5, read = 30.0
    /// Timeout(connect: connect, read: read)
    /// ```
    @_disfavoredOverload
    public init(connect: Double, read: Double, total: Double? = nil) {
        self.init(connect: .seconds(connect), read: .seconds(read), total: total.map { .seconds($0) })
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

/// One limit of a `Timeout`: a number of seconds (`5`, `0.25`) or `.seconds(_)`, `.milliseconds(_)`,
/// `.duration(_)`.
///
/// ```swift
/// Timeout(connect: 5, read: .milliseconds(1500), total: .duration(.seconds(30)))
/// ```
public struct TimeLimit: Sendable, Hashable, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral {
    /// The limit as a `Duration`.
    public var duration: Duration

    public init(_ duration: Duration) { self.duration = duration }
    public init(integerLiteral value: Int) { duration = .seconds(value) }
    public init(floatLiteral value: Double) { duration = .seconds(value) }

    /// `seconds` seconds.
    public static func seconds<T: BinaryInteger>(_ seconds: T) -> TimeLimit { TimeLimit(.seconds(seconds)) }
    /// `seconds` seconds.
    public static func seconds(_ seconds: Double) -> TimeLimit { TimeLimit(.seconds(seconds)) }
    /// `milliseconds` milliseconds.
    public static func milliseconds<T: BinaryInteger>(_ milliseconds: T) -> TimeLimit { TimeLimit(.milliseconds(milliseconds)) }
    /// `milliseconds` milliseconds.
    public static func milliseconds(_ milliseconds: Double) -> TimeLimit { TimeLimit(.milliseconds(milliseconds)) }
    /// A `Duration` you already hold.
    public static func duration(_ duration: Duration) -> TimeLimit { TimeLimit(duration) }
}

extension Duration {
    /// The duration in seconds, as a `Double` (`Response.elapsedSeconds`, requests' `elapsed.total_seconds()`).
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
