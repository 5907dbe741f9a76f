import HTTPWire

/// HTTP header fields: ordered, case-insensitive by name, and able to hold one name several times.
/// The same multimap the server uses (`HTTPWire.HTTPHeaders`).
///
/// ```swift
/// var headers: Headers = ["User-Agent": "MyBot", "Accept": "application/json"]
/// headers["user-agent"]            // "MyBot": names match whatever their case
/// headers.add("Accept", "text/plain")
/// headers["Accept"]                // "application/json, text/plain": every value, joined
/// headers.values(for: "accept")    // ["application/json", "text/plain"]
/// headers["Accept"] = nil          // removes every Accept field
/// ```
public typealias Headers = HTTPHeaders
