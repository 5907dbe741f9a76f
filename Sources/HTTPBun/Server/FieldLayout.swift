/// Where libmicrohttpd 0.9.75 leaves a field line's pieces, and what that shows which the parsed
/// name and value hide. It keeps each field as two pointers into its read buffer: the name, whose
/// colon it overwrote with NUL, then the value after the optional whitespace, cut at a NUL or at the
/// line end (CR LF or LF, also overwritten with NULs). So:
/// - an obs-fold continuation line is glued onto the *name*, which is moved to a new block of the
///   connection's pool (`X-A: 1` + ` folded` arrives as `X-Afolded: 1`): the value no longer
///   follows its name;
/// - a NUL inside a value cuts it: the next field's name then starts further than one line end
///   after the value, or the blank line further than two after the last value. (A NUL right
///   before a bare LF stays invisible.)
/// - a line with an empty name (`: x`) gets its colon overwritten and so looks blank: libmicrohttpd
///   ends the header block there and reads what follows as the next request (a smuggled one). The
///   block then ends further than two line ends after the last value.
enum FieldLayout {
    /// Why the bytes between the last field's value and the end of the header block are not just
    /// that line's end and the blank line (each CR LF or LF, overwritten with NULs), or nil.
    static func endProblem(lastValueEnd: UnsafeRawPointer, blockEnd: UnsafeRawPointer) -> String? {
        let gap = lastValueEnd.distance(to: blockEnd)
        guard (2...4).contains(gap), UnsafeRawBufferPointer(start: lastValueEnd, count: gap).allSatisfy({ $0 == 0 }) else {
            return "the header block holds a line with an empty field name, or a NUL byte in the last field's value"
        }
        return nil
    }

    @inline(__always)
    static func fits(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, previousValueEnd: UnsafeRawPointer?) -> Bool {
        guard let nameStart = name.baseAddress, let valueStart = value.baseAddress else { return true }
        let nameEnd = nameStart + name.count
        let gap = nameEnd.distance(to: valueStart)
        // The usual field: `Name: value`, one space after the colon (NUL now), and its line right
        // after the previous one's CR LF. Anything else takes the full check.
        guard gap == 2, nameEnd.load(as: UInt8.self) == 0, (nameEnd + 1).load(as: UInt8.self) == 0x20 else { return false }
        guard let previousValueEnd else { return true }
        return previousValueEnd.distance(to: nameStart) == 2 && (previousValueEnd + 1).load(as: UInt8.self) == 0
    }

    static func problem(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, previousValueEnd: UnsafeRawPointer?) -> String? {
        guard let nameStart = name.baseAddress, let valueStart = value.baseAddress else { return nil }
        let nameEnd = nameStart + name.count
        let gap = nameEnd.distance(to: valueStart)
        // The colon's NUL, then only the spaces and tabs libmicrohttpd skipped. The pool is one block
        // of the connection's memory limit: a gap beyond that cannot be between name and value.
        guard gap >= 1, gap <= 64 * 1024 * 1024, nameEnd.load(as: UInt8.self) == 0,
            UnsafeRawBufferPointer(start: nameEnd + 1, count: gap - 1).allSatisfy({ $0 == 0x20 || $0 == 0x09 })
        else {
            return "header field \(String(decoding: name, as: UTF8.self).debugDescription) continues on a folded line (obs-fold is not allowed)"
        }
        if let previousValueEnd {
            let lineEnd = previousValueEnd.distance(to: nameStart)
            guard lineEnd == 1 || (lineEnd == 2 && (previousValueEnd + 1).load(as: UInt8.self) == 0) else {
                return "a header field value before \(String(decoding: name, as: UTF8.self).debugDescription) holds a NUL byte"
            }
        }
        return nil
    }
}
