import HTTPBunCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The system's real-time clock: the one place the project reads wall time, for the routes
/// (`RouteServices.system`) and the command line's log lines.
public enum SystemClock {
    /// Seconds since 1970-01-01 UTC, with a fraction.
    ///
    /// ```swift
    /// SystemClock.secondsSince1970()   // 1796551200.25
    /// ```
    @Sendable public static func secondsSince1970() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// Now, to the millisecond, as the logs write it.
    ///
    /// ```swift
    /// LogTimestamps.text(SystemClock.wallTime())   // "2026-12-07T22:05:47.123Z"
    /// ```
    public static func wallTime() -> WallTime {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return WallTime(seconds: Int64(time.tv_sec), milliseconds: Int(time.tv_nsec / 1_000_000))
    }

    /// Nanoseconds on the monotonic clock, for how long a request took: a plain integer to keep in
    /// the exchange and subtract, where an `Instant` is a two-word `Duration` pair.
    static func monotonicNanoseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}

extension RouteServices {
    /// The system clock and the system's random numbers: what a running server's handlers see.
    /// One value per server, shared by its threads, so a token or nonce issued on one thread is
    /// recognised on another, and every thread records into the one journal.
    static func system(_ configuration: ServerConfiguration) -> RouteServices {
        let journal = configuration.journalLimits.map {
            RequestJournal(
                entryLimit: $0.entries, byteLimit: $0.bytes, pathPrefix: configuration.pathPrefix, now: SystemClock.secondsSince1970)
        }
        return RouteServices(now: SystemClock.secondsSince1970, journal: journal)
    }
}
