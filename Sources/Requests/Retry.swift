import HTTPWire
import Foundation

/// When and how often to send a request again, with urllib3's `Retry` semantics.
///
/// ```swift
/// let retry = Retry(total: 3, backoffFactor: 1, statusForcelist: [429, 500, 502, 503, 504])
/// session.mount("http://", Adapter(retry: retry))
/// ```
///
/// - Connection failures (nothing was sent) are retried for every method; read failures and retryable
///   statuses only for `allowedMethods` (idempotent ones by default: a POST is not sent twice unless you
///   add it).
/// - Each retry spends one of `total` and one of the counter for its kind (`connect`, `read`, `status`);
///   when any counter goes below zero the last error is thrown (or, for statuses, `RetryError`, or the
///   last response when `raiseOnStatus` is false).
/// - Before retry *n* (n ≥ 2) it waits `backoffFactor × 2^(n-1)` seconds, at most `backoffMax`, plus up
///   to `backoffJitter` at random; the first retry is immediate, as in urllib3 2.x (factor 1: 0, 2, 4 s).
///   A `Retry-After` header (seconds or HTTP-date) replaces the backoff.
public struct Retry: Sendable {
    /// Retries of any kind; `nil` leaves the limit to the other counters.
    public var total: Int?
    /// Retries after failing to connect (nothing was sent, so any method).
    public var connect: Int?
    /// Retries after the connection failed or went silent once the request was sent.
    public var read: Int?
    /// Retries of responses whose status is retryable (`statusForcelist`, or `Retry-After`).
    public var status: Int?
    /// Seconds; the wait before retry n ≥ 2 is `backoffFactor × 2^(n-1)`.
    public var backoffFactor: Double
    /// The longest backoff wait, in seconds (120 by default).
    public var backoffMax: Double
    /// Up to this many random seconds added to each backoff wait.
    public var backoffJitter: Double
    /// Statuses that are always retried (for `allowedMethods`).
    public var statusForcelist: Set<Int>
    /// Methods that may be resent after a read failure or a retryable status; `nil` allows every method.
    public var allowedMethods: Set<Method>?
    /// When status retries run out: throw `RetryError` (true) or return the last response.
    public var raiseOnStatus: Bool
    /// Wait as long as `Retry-After` asks instead of the backoff.
    public var respectRetryAfterHeader: Bool
    /// Statuses retried when they carry `Retry-After`, even outside `statusForcelist`.
    public var retryAfterStatusCodes: Set<Int>
    /// How the policy waits and tells the time; replace it in tests to check the schedule without sleeping.
    public var clock: RetryClock

    /// urllib3's default methods: DELETE, GET, HEAD, OPTIONS, PUT, TRACE.
    public static let defaultAllowedMethods: Set<Method> = [.delete, .get, .head, .options, .put, .trace]

    /// No retries at all (requests' default).
    public static let none = Retry(total: 0)

    /// A policy; the defaults are urllib3's (10 retries, no backoff, idempotent methods).
    public init(total: Int? = 10, connect: Int? = nil, read: Int? = nil, status: Int? = nil,
                backoffFactor: Double = 0, backoffMax: Double = 120, backoffJitter: Double = 0,
                statusForcelist: Set<Int> = [], allowedMethods: Set<Method>? = Retry.defaultAllowedMethods,
                raiseOnStatus: Bool = true, respectRetryAfterHeader: Bool = true,
                retryAfterStatusCodes: Set<Int> = [413, 429, 503], clock: RetryClock = .system) {
        self.total = total
        self.connect = connect
        self.read = read
        self.status = status
        self.backoffFactor = backoffFactor
        self.backoffMax = backoffMax
        self.backoffJitter = backoffJitter
        self.statusForcelist = statusForcelist
        self.allowedMethods = allowedMethods
        self.raiseOnStatus = raiseOnStatus
        self.respectRetryAfterHeader = respectRetryAfterHeader
        self.retryAfterStatusCodes = retryAfterStatusCodes
        self.clock = clock
    }

    /// The wait before the next try after `consecutiveErrors` failed tries (jitter excluded).
    public func backoff(afterConsecutiveErrors consecutiveErrors: Int) -> Duration {
        guard consecutiveErrors > 1 else { return .zero }
        var value = backoffFactor * pow(2, Double(consecutiveErrors - 1))
        if backoffJitter != 0 { value += clock.random() * backoffJitter }
        return .seconds(max(0, min(backoffMax, value)))
    }

    /// The wait a `Retry-After` value asks for: whole seconds, or an HTTP-date (never negative).
    public func retryAfter(_ value: String) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if !trimmed.isEmpty, trimmed.allSatisfy({ $0.isASCII && $0.isNumber }) {
            return Int(trimmed).map { .seconds($0) }
        }
        guard let seconds = HTTPDate.parse(trimmed) else { return nil }
        return .seconds(max(0, Date(timeIntervalSince1970: TimeInterval(seconds)).timeIntervalSince(clock.now())))
    }

    func isMethodRetryable(_ method: Method) -> Bool { allowedMethods?.contains(method) ?? true }

    /// urllib3's `is_retry`: should a response with this status be retried? `remainingTotal` is
    /// what is left of `total` after the retries so far: urllib3 asks the decremented `Retry`, and
    /// a `None` total is falsy there, so a `Retry-After` alone never retries without one.
    ///
    /// Asked about every response, so the cheap tests go first and `hasRetryAfter` (a header search) is
    /// only evaluated when it decides: with the default policy (nothing forced, no retries) no set is
    /// hashed and no header searched.
    func isRetry(method: Method, statusCode: Int, hasRetryAfter: @autoclosure () -> Bool, remainingTotal: Int?) -> Bool {
        let forced = !statusForcelist.isEmpty && statusForcelist.contains(statusCode)
        guard forced || ((remainingTotal ?? 0) > 0 && respectRetryAfterHeader && retryAfterStatusCodes.contains(statusCode) && hasRetryAfter())
        else { return false }
        return isMethodRetryable(method)
    }
}

/// Waiting and time for `Retry`: real by default, replaceable in tests.
///
/// ```swift
/// let waits = Mutex<[Duration]>([])
/// let clock = RetryClock(sleep: { d in waits.withLock { $0.append(d) } }, now: { Date() })
/// ```
public struct RetryClock: Sendable {
    /// Waits; the default sleeps the task.
    public var sleep: @Sendable (Duration) async throws -> Void
    /// The current time, to turn an HTTP-date `Retry-After` into a wait.
    public var now: @Sendable () -> Date
    /// A number in 0..<1 for jitter.
    public var random: @Sendable () -> Double

    public init(sleep: @escaping @Sendable (Duration) async throws -> Void,
                now: @escaping @Sendable () -> Date = { Date() },
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.sleep = sleep
        self.now = now
        self.random = random
    }

    /// Real sleeping and the real clock.
    public static let system = RetryClock(sleep: { try await Task.sleep(for: $0) })
}

/// The counters of one call's retries (urllib3's `Retry.increment`).
struct RetryState {
    enum Cause { case connect, read, status }

    var total: Int?
    var connect: Int?
    var read: Int?
    var status: Int?
    /// Tries that failed so far.
    var failures = 0

    init(_ policy: Retry) {
        total = policy.total
        connect = policy.connect
        read = policy.read
        status = policy.status
    }

    /// Counts a failure; false when the policy is exhausted.
    mutating func increment(_ cause: Cause) -> Bool {
        failures += 1
        if let t = total { total = t - 1 }
        switch cause {
        case .connect: if let c = connect { connect = c - 1 }
        case .read: if let r = read { read = r - 1 }
        case .status: if let s = status { status = s - 1 }
        }
        return ![total, connect, read, status].contains { ($0 ?? 0) < 0 }
    }
}
