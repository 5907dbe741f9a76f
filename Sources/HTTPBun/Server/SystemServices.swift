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
