import Foundation

/// Proxies the tests start: proxy.py (an HTTP proxy that speaks CONNECT, from PyPI) and
/// conformance/proxy/socks5.py (ours, standard library only), both from conformance/proxy/venv, which
/// `make proxy-venv` creates (and `make test` runs it first).
enum ProxyHarness {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let venv = repository.appendingPathComponent("conformance/proxy/venv")
    static let python = venv.appendingPathComponent("bin/python").path
    static let proxyPy = venv.appendingPathComponent("bin/proxy").path

    /// Whether the venv is there; the tests that need it are skipped, saying why, when it is not.
    static var available: Bool { FileManager.default.isExecutableFile(atPath: proxyPy) }
    static let missing = "conformance/proxy/venv is missing: run `make proxy-venv` (make test does)"

    /// A proxy process, its port, and the log where it writes one line per request or tunnel.
    final class Running: Sendable {
        let process: Process
        let port: Int
        let logPath: String
        init(process: Process, port: Int, logPath: String) {
            self.process = process
            self.port = port
            self.logPath = logPath
        }
        var url: String { "http://127.0.0.1:\(port)" }
        var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
        /// The log's lines that contain `text`, once the proxy has written them (it logs a tunnel when it closes).
        func lines(containing text: String, atLeast count: Int = 1) async -> [String] {
            for _ in 0..<50 {
                let found = log.split(separator: "\n").filter { $0.contains(text) }.map(String.init)
                if found.count >= count { return found }
                try? await Task.sleep(for: .milliseconds(100))
            }
            return log.split(separator: "\n").filter { $0.contains(text) }.map(String.init)
        }
        /// SIGINT, which proxy.py takes as the order to stop its workers too; SIGKILL if it lingers.
        func stop() {
            process.interrupt()
            for _ in 0..<50 where process.isRunning { Thread.sleep(forTimeInterval: 0.1) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
    }

    /// proxy.py on 127.0.0.1, with `--basic-auth user:pass` when `basicAuth` is given.
    static func startHTTPProxy(basicAuth: String? = nil) throws -> Running {
        let directory = try temporaryDirectory()
        var arguments = ["--hostname", "127.0.0.1", "--port", "0", "--port-file", directory + "/port",
                         "--num-workers", "1", "--num-acceptors", "1", "--log-file", directory + "/log"]
        if let basicAuth { arguments += ["--basic-auth", basicAuth] }
        return try start(proxyPy, arguments, directory: directory)
    }

    /// The SOCKS5 server of conformance/proxy/socks5.py on 127.0.0.1.
    static func startSOCKS5() throws -> Running {
        let directory = try temporaryDirectory()
        let script = repository.appendingPathComponent("conformance/proxy/socks5.py").path
        return try start(python, [script, "--port-file", directory + "/port", "--log-file", directory + "/log"], directory: directory)
    }

    private static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "requests-proxy-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: path + "/log", contents: nil)
        return path
    }

    private static func start(_ executable: String, _ arguments: [String], directory: String) throws -> Running {
        let process = Process()
        // The test process blocks most signals on the thread that spawns, and a child inherits that
        // mask: proxy.py would never see the SIGINT that stops it. Clear the mask, then become the proxy.
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, set()); os.execv(sys.argv[1], sys.argv[1:])",
                             executable] + arguments
        process.standardOutput = FileHandle.nullDevice
        _ = FileManager.default.createFile(atPath: directory + "/stderr", contents: nil)
        process.standardError = FileHandle(forWritingAtPath: directory + "/stderr")
        try process.run()
        // proxy.py takes a second or two to start on a busy machine: wait up to 20 s for its port.
        for _ in 0..<200 {
            if let text = try? String(contentsOfFile: directory + "/port", encoding: .utf8),
                let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), port > 0 {
                return Running(process: process, port: port, logPath: directory + "/log")
            }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        process.terminate()
        throw HarnessError(description: "\(executable) did not start; its output:\n" + ((try? String(contentsOfFile: directory + "/stderr", encoding: .utf8)) ?? ""))
    }

    struct HarnessError: Error, CustomStringConvertible { var description: String }

    /// Runs python from the venv on `script`, returning its standard output (for comparing with requests).
    static func runPython(_ script: String, stdin: String = "", environment: [String: String] = [:]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script]
        process.environment = environment
        let output = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardInput = input
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
