import HTTPBun
import JSONValue

#if canImport(Glibc)
    import Glibc
#endif

/// What a running server records about where and how it listens, so that `httpbun --healthcheck`
/// with no arguments probes it: a container's `HEALTHCHECK` cannot see the arguments given to
/// `docker run`. One small file, `server.json`, in the state folder; removed at a clean stop.
///
/// ```swift
/// let folder = ServerState.Folder(chosen: nil)          // $XDG_RUNTIME_DIR/httpbun or /tmp/httpbun-<uid>
/// try ServerState(processID: getpid(), url: server.baseURL, tls: nil).write(in: folder)
/// let target = try ServerState.read(in: folder)?.target // what --healthcheck probes
/// ```
struct ServerState {
    var processID: Int32
    /// The URL the server printed (path prefix included).
    var url: String
    /// For HTTPS: what a client trusts (the throw-away CA of --tls-self-signed, or the served
    /// certificate chain itself) and whether the host name is checked against it.
    var tls: HealthProbe.TLSTrust?

    static let fileName = "server.json"

    /// Where the state file lives: the folder given (`--state-dir`, `HTTPBUN_STATE_DIR`), else
    /// `$XDG_RUNTIME_DIR/httpbun` (a per-user tmpfs on systemd machines), else `/tmp/httpbun-<uid>`.
    struct Folder {
        let path: String
        /// A default folder must be this user's own and closed to others (in a shared /tmp anyone
        /// could make it first and plant a state that points the probe elsewhere); a folder the
        /// operator chose (a Kubernetes emptyDir is 0777) is taken as it is.
        let isChosen: Bool

        init(chosen: String?) {
            if let chosen, !chosen.isEmpty {
                path = chosen
                isChosen = true
            } else if let runtime = getenv("XDG_RUNTIME_DIR").map({ String(cString: $0) }), runtime.hasPrefix("/") {
                path = runtime + "/httpbun"
                isChosen = false
            } else {
                path = "/tmp/httpbun-\(geteuid())"
                isChosen = false
            }
        }

        var filePath: String { path + "/" + ServerState.fileName }

        /// Makes the folder when missing; nil when it can be used, else why not.
        func prepare() -> String? {
            if mkdir(path, 0o700) != 0 && errno != EEXIST {
                return "cannot make \(path): " + String(cString: strerror(errno))
            }
            return untrusted()
        }

        /// Why a default folder is not to be trusted, or nil.
        func untrusted() -> String? {
            guard !isChosen else { return nil }
            var status = stat()
            guard lstat(path, &status) == 0 else { return "cannot read \(path): " + String(cString: strerror(errno)) }
            guard status.st_mode & S_IFMT == S_IFDIR else { return "\(path) is not a folder" }
            guard status.st_uid == geteuid() else { return "\(path) belongs to another user" }
            guard status.st_mode & 0o077 == 0 else { return "\(path) is open to other users (it must be mode 0700)" }
            return nil
        }
    }

    /// Writes the state whole (a temporary file renamed over the old), or throws why it could not.
    func write(in folder: Folder) throws(StateError) {
        if let problem = folder.prepare() { throw StateError(problem) }
        var object: JSONObject = ["pid": JSON(Int(processID)), "url": .string(url)]
        if let tls {
            object.appendUnchecked("tls_trust", .string(tls.trustedPEM))
            object.appendUnchecked("tls_check_host", .bool(tls.checksHostName))
        }
        let temporary = folder.filePath + ".\(processID).tmp"
        guard let file = fopen(temporary, "w") else { throw StateError("cannot write \(temporary): " + String(cString: strerror(errno))) }
        let written = fputs(JSON.object(object).serialized(.compact) + "\n", file) >= 0
        guard fclose(file) == 0, written, rename(temporary, folder.filePath) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw StateError("cannot write \(folder.filePath): \(reason)")
        }
    }

    /// The recorded state; nil when there is none (no server, or one that stopped cleanly).
    static func read(in folder: Folder) throws(StateError) -> ServerState? {
        if let problem = folder.untrusted() {
            if access(folder.path, F_OK) != 0 { return nil }
            throw StateError("the state folder is not used: \(problem)")
        }
        guard access(folder.filePath, F_OK) == 0 else { return nil }
        guard let text = readTextFile(folder.filePath) else {
            throw StateError("cannot read \(folder.filePath): " + String(cString: strerror(errno)))
        }
        guard let json = try? JSON.parse(text), let processID = json["pid"]?.intValue, let url = json["url"]?.stringValue else {
            throw StateError("\(folder.filePath) is not a state file httpbun wrote (no pid and url in it)")
        }
        let tls = json["tls_trust"]?.stringValue.map {
            HealthProbe.TLSTrust(trustedPEM: $0, checksHostName: json["tls_check_host"]?.boolValue ?? true)
        }
        return ServerState(processID: Int32(truncatingIfNeeded: processID), url: url, tls: tls)
    }

    /// Removes the state file if this process wrote it: another server may have started since
    /// with the same folder and recorded itself over it.
    static func remove(in folder: Folder, writtenBy processID: Int32) {
        guard (try? read(in: folder))??.processID == processID else { return }
        unlink(folder.filePath)
    }

    /// What `--healthcheck` probes: the recorded URL's scheme, host and port.
    func target(in folder: Folder) throws(StateError) -> HealthProbe.Target {
        guard let endpoint = Endpoint(url: url) else { throw StateError("\(folder.filePath) records a URL httpbun cannot read: \(url)") }
        guard endpoint.isTLS == (tls != nil) else {
            throw StateError("\(folder.filePath) records \(url) \(tls == nil ? "without" : "with") a certificate to trust")
        }
        // A server killed outright (SIGKILL, a crash) leaves its state behind.
        let alive = kill(processID, 0) == 0 || errno == EPERM
        let origin = "\(folder.filePath), written by process \(processID)" + (alive ? "" : ", which is no longer running")
        return HealthProbe.Target(host: endpoint.host, port: endpoint.port, tls: tls, origin: origin)
    }

    /// The scheme, host and port of a URL the server printed (`https://[::1]:8443/prefix`).
    struct Endpoint {
        var isTLS: Bool
        var host: String
        var port: Int

        init?(url: String) {
            let schemes = [("http://", false), ("https://", true)]
            guard let (scheme, isTLS) = schemes.first(where: { url.hasPrefix($0.0) }) else { return nil }
            let authority = url.dropFirst(scheme.count).prefix { $0 != "/" }
            guard let colon = authority.lastIndex(of: ":"), let port = Int(authority[authority.index(after: colon)...]) else { return nil }
            self.isTLS = isTLS
            self.host = String(authority[..<colon])
            self.port = port
        }
    }
}

/// Why the state file could not be written or read.
struct StateError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
