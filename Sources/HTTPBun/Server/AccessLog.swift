import HTTPBunCore
import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The server's access log: one line per request, answered or not (`AccessRecord`), written in
/// batches so that a busy server makes a few writes a second rather than one per request.
///
/// Lines are formatted as requests end, into a buffer that is written out at most
/// `flushInterval` later (sooner once it holds `batchBytes`), by a background queue: a request
/// never waits for the output. Lines that the output cannot take (more than `pendingLimit` bytes
/// waiting, say a pipe nobody reads) are dropped and counted, and the count is written as soon as
/// the output takes bytes again. `flush()` writes what waits now; `HTTPBunServer.stop()` calls it.
///
/// ```swift
/// let log = AccessLog(format: .json)                       // standard error, like the binary
/// let server = try HTTPBunServer.start(configuration, accessLog: log)
///
/// let lines = Mutex<[String]>([])                           // or collect them in a test
/// let collected = AccessLog(format: .human, output: .lines { line in lines.withLock { $0.append(line) } })
/// ```
public final class AccessLog: Sendable {
    /// Where the lines go.
    public enum Output: Sendable {
        /// Standard error, as a container runtime or a CI job captures it.
        case standardError
        /// An open file descriptor (not closed by the log).
        case fileDescriptor(Int32)
        /// Each line as a `String` without its newline, in order, on the log's queue.
        case lines(@Sendable (String) -> Void)
    }

    public let format: LogFormat
    /// Lines carry the request's header fields (`--log-level debug`).
    public let includesHeaders: Bool
    private let output: Output

    /// Waiting lines are written at most this long after the first of them.
    static let flushInterval: DispatchTimeInterval = .milliseconds(200)
    /// A batch this big is written at once. Small, and the two buffers reused (`take`): lines are
    /// then formatted into memory the cache holds, where a batch of a megabyte or more, in a new
    /// buffer each time, made every line a write to cold memory and every flush page faults.
    static let batchBytes = 64 * 1024
    /// Past this many bytes waiting, new lines are dropped (and counted).
    static let pendingLimit = 16 * 1024 * 1024

    private struct Pending {
        var bytes: [UInt8] = []
        var timestamps = LogTimestamps()
        /// A write of the waiting bytes is scheduled.
        var flushScheduled = false
        /// ... and it is an immediate one (the batch is full).
        var flushUrgent = false
        var dropped = 0

        /// The delay of the write to schedule for what now waits, or nil when one already covers it.
        mutating func scheduleFlush() -> DispatchTimeInterval? {
            if bytes.count >= AccessLog.batchBytes {
                guard !flushUrgent else { return nil }
                flushUrgent = true
                flushScheduled = true
                return .nanoseconds(0)
            }
            guard !flushScheduled else { return nil }
            flushScheduled = true
            return AccessLog.flushInterval
        }

        /// The waiting bytes (swapped with `spare`, emptied) and the dropped count.
        mutating func take(into spare: inout [UInt8]) -> Int {
            swap(&spare, &bytes)
            defer { dropped = 0 }
            flushScheduled = false
            flushUrgent = false
            return dropped
        }
    }

    private let pending = Mutex(Pending())
    /// Held while a batch is taken and written, so batches reach the output in order; it holds the
    /// buffer that the next batch is swapped with.
    private let writing = Mutex<[UInt8]>([])
    private let queue = DispatchQueue(label: "httpbun.access-log")

    /// - Parameters:
    ///   - format: human lines or one JSON object per line (docs/logging.md).
    ///   - includesHeaders: each line is followed by (human) or holds (JSON) the request's fields.
    ///   - output: standard error unless told otherwise.
    public init(format: LogFormat = .human, includesHeaders: Bool = false, output: Output = .standardError) {
        self.format = format
        self.includesHeaders = includesHeaders
        self.output = output
        // Room for a full batch and the lines that arrive before the write takes it.
        pending.withLock { $0.bytes.reserveCapacity(2 * Self.batchBytes) }
        writing.withLock { $0.reserveCapacity(2 * Self.batchBytes) }
    }

    /// Formats `record`'s line into the waiting batch; never blocks on the output.
    public func write(_ record: AccessRecord) {
        write(
            time: record.time, client: record.client, method: record.method, target: record.target, status: record.status,
            bytes: record.bytes, durationNanoseconds: record.durationNanoseconds, userAgent: record.userAgent,
            outcome: record.outcome, headers: record.headers)
    }

    /// `write(_:)` with the record's fields one by one (`LogFormat.append(time:...)` says why).
    func write(
        time: WallTime, client: String, method: String, target: String, status: Int?, bytes: Int, durationNanoseconds: Int64,
        userAgent: String?, outcome: AccessRecord.Outcome, headers: HTTPHeaders?
    ) {
        let schedule: DispatchTimeInterval? = pending.withLock { state in
            guard state.bytes.count < Self.pendingLimit else {
                state.dropped += 1
                return nil
            }
            format.append(
                time: time, client: client, method: method, target: target, status: status, bytes: bytes,
                durationNanoseconds: durationNanoseconds, userAgent: userAgent, outcome: outcome, headers: headers,
                to: &state.bytes, timestamps: &state.timestamps)
            return state.scheduleFlush()
        }
        if let schedule { queue.asyncAfter(deadline: .now() + schedule) { [self] in flush() } }
    }

    /// Writes `line` (which ends in a newline) now, after every access line already waiting: the
    /// binary's other log lines go through here, so the output keeps the order things happened in.
    public func writeNow(_ line: [UInt8]) {
        flush(then: line)
    }

    /// Writes every waiting line now.
    public func flush() {
        flush(then: [])
    }

    private func flush(then line: [UInt8]) {
        writing.withLock { batch in
            let dropped = pending.withLock { state in
                state.bytes.append(contentsOf: line)
                return state.take(into: &batch)
            }
            if dropped > 0 {
                emit(Array("\(dropped) access log line(s) dropped: the log's output did not keep up\n".utf8))
            }
            if !batch.isEmpty { emit(batch) }
            // Kept, with its capacity, for the next batch.
            batch.removeAll(keepingCapacity: true)
        }
    }

    private func emit(_ bytes: [UInt8]) {
        switch output {
        case .standardError: Self.writeAll(bytes, to: STDERR_FILENO)
        case .fileDescriptor(let descriptor): Self.writeAll(bytes, to: descriptor)
        case .lines(let handle):
            for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast() {
                handle(String(decoding: line, as: UTF8.self))
            }
        }
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return  // the output is gone: nothing better to do with the lines
                }
            }
        }
    }
}
