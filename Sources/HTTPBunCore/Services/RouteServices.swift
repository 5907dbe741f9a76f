import HTTPWire
import Synchronization

/// What a handler may not make up for itself: the wall clock, random numbers, and the state the
/// mock OAuth2 provider and the digest nonces keep. The server passes the system's
/// (`HTTPBunServer` reads the real-time clock); a test passes a clock it moves and a seed, so every
/// handler gives the same answer to the same request.
///
/// ```swift
/// let services = RouteServices(now: { 1_700_000_000 }, seed: 42)
/// let router = Router(configuration: ServerConfiguration(), services: services)
/// router.respond(to: Request(method: "GET", target: "/uuid"))   // the same UUID on every run
/// ```
public struct RouteServices: Sendable {
    /// Seconds since 1970-01-01 UTC, with a fraction.
    public let now: @Sendable () -> Double
    private let random: @Sendable () -> UInt64
    /// The secret digest nonces and OAuth2 tokens are signed with, drawn once from `random`.
    let secret: [UInt8]
    let oauth2: OAuth2Provider
    /// The request journal `/_journal` reads; nil when it is off.
    public let journal: RequestJournal?

    /// - Parameters:
    ///   - now: the wall clock, in seconds since 1970 UTC.
    ///   - random: 64 random bits per call; the system's generator when nil.
    ///   - maximumUsedCodes: how many redeemed OAuth2 codes are remembered before new ones are refused.
    ///   - journal: the request journal `/_journal` serves; none (the route says it is off) by default.
    public init(
        now: @escaping @Sendable () -> Double, random: (@Sendable () -> UInt64)? = nil, maximumUsedCodes: Int = 100_000,
        journal: RequestJournal? = nil
    ) {
        let random = random ?? { var system = SystemRandomNumberGenerator(); return system.next() }
        self.now = now
        self.random = random
        var generator = RouteRandom(source: random)
        let secret = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        self.secret = secret
        self.oauth2 = OAuth2Provider(key: OAuth2Provider.key(derivedFrom: secret), now: now, maximumUsedCodes: maximumUsedCodes)
        self.journal = journal
    }

    /// Services whose random numbers follow `seed` (SplitMix64) and whose clock is `now`.
    public init(now: @escaping @Sendable () -> Double, seed: UInt64, journal: RequestJournal? = nil) {
        let state = Mutex(SeededRandom(seed: seed))
        self.init(now: now, random: { state.withLock { $0.next() } }, journal: journal)
    }

    /// A clock stopped at 2026-01-01T00:00:00Z and the system's randomness: what a router made
    /// without services gets, since this target reads no clock of its own.
    public static let stoppedClock = RouteServices(now: { 1_767_225_600 })

    /// A generator over this router's random source.
    public var randomNumbers: RouteRandom { RouteRandom(source: random) }

    /// Whole seconds since 1970.
    public var secondsSinceEpoch: Int64 { Int64(now().rounded(.down)) }
}

/// A `RandomNumberGenerator` over a route's injected source of random bits.
public struct RouteRandom: RandomNumberGenerator {
    let source: @Sendable () -> UInt64
    public mutating func next() -> UInt64 { source() }
}
