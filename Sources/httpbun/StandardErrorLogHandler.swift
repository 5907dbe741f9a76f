import HTTPBun
import JSONValue
import Logging

/// Writes the binary's log lines (start, stop, warnings, libmicrohttpd's diagnostics) to standard
/// error, as text for people or JSON for collectors, through the access log's writer when there is
/// one, so that they keep their place among the batched access lines.
struct StandardErrorLogHandler: LogHandler {
    let label: String
    let format: LogFormat
    /// Writes each line after the access lines waiting before it.
    let output: AccessLog
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    init(label: String, format: LogFormat, output: AccessLog) {
        self.label = label
        self.format = format
        self.output = output
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let time = LogTimestamps.text(SystemClock.wallTime())
        let line: String
        switch format {
        case .human:
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
        output.writeNow(Array(line.utf8))
    }
}
