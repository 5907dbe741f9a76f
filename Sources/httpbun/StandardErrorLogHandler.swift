import HTTPBun
import JSONValue
import Logging

#if canImport(Glibc)
    import Glibc
#endif

enum LogFormat: String {
    case human
    case json
}

/// Writes log lines to standard error, one per event, as text for people or JSON for collectors.
struct StandardErrorLogHandler: LogHandler {
    let label: String
    let format: LogFormat
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    init(label: String, format: LogFormat) {
        self.label = label
        self.format = format
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let time = Self.timestamp()
        let line: String
        switch format {
        case .human:
            // The human line shows no metadata: merging it here would cost every logged request for nothing.
            line = "\(time) \(event.level.rawValue.uppercased()) \(event.message)\n"
        case .json:
            var merged = metadata
            if let extra = event.metadata { merged.merge(extra) { $1 } }
            var object: JSONObject = [
                "time": .string(time), "level": .string(event.level.rawValue), "message": .string("\(event.message)"),
            ]
            for (key, value) in merged.sorted(by: { $0.key < $1.key }) { object[key] = .string("\(value)") }
            line = JSON.object(object).serialized(.compact) + "\n"
        }
        // One write(2) per line keeps lines from several threads whole.
        let bytes = Array(line.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
            if written <= 0 { break }
            offset += written
        }
    }

    /// UTC time as RFC 3339 with milliseconds.
    static func timestamp() -> String {
        let now = SystemClock.secondsSince1970()
        var seconds = time_t(now.rounded(.down))
        let milliseconds = Int32((now - now.rounded(.down)) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int = 2) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday))T"
            + "\(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec)).\(pad(milliseconds, 3))Z"
    }
}
