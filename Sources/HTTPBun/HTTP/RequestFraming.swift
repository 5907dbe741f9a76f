/// Request framing that libmicrohttpd 0.9.75 lets through although RFC 9112 §6.3 calls it unsafe:
/// a proxy in front of us could frame the same bytes differently (request smuggling), and our own
/// reading of them is a guess. Checked once the headers are in, before any body is read.
///
/// ```swift
/// RequestFraming.problem(contentLengths: ["5", "6"], transferEncodings: [])   // "conflicting ..."
/// RequestFraming.problem(contentLengths: ["5"], transferEncodings: [])        // nil
/// ```
public enum RequestFraming {
    /// Why the body's framing is refused (400, then close), or nil when it is unambiguous.
    public static func problem(contentLengths: [String], transferEncodings: [String]) -> String? {
        let lengths = contentLengths.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }.map { $0.trimmingSpaces }
        if let first = lengths.first, lengths.contains(where: { $0 != first }) {
            return "conflicting Content-Length headers (\(lengths.joined(separator: ", "))): send exactly one"
        }
        if !contentLengths.isEmpty && !transferEncodings.isEmpty {
            return "both Content-Length and Transfer-Encoding are set: send only one of them"
        }
        return nil
    }
}
