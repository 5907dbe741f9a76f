// Starts and stops an in-process server many times, each time with one answered request and one
// left waiting in /delay (its client gone on every other cycle), and prints this process's thread
// and descriptor counts before and after as JSON. Used by the live tests; usable by hand:
//     .build/debug/httpbun-lifecycle-check 1000
import HTTPBun

#if canImport(Glibc)
    import Glibc
#endif

func count(_ directory: String) -> Int {
    guard let handle = opendir(directory) else { return -1 }
    defer { closedir(handle) }
    var entries = -2  // . and ..
    while readdir(handle) != nil { entries += 1 }
    return entries
}

/// Opens a TCP connection to 127.0.0.1:port and writes `request`; returns the socket.
func connectAndSend(port: Int, _ request: String) -> Int32 {
    let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    precondition(connected == 0, "connect failed: errno \(errno)")
    _ = request.withCString { send(socketFD, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
    return socketFD
}

/// Reads until the end of a response head.
func readHead(_ socketFD: Int32) -> String {
    var received: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while !String(decoding: received, as: UTF8.self).contains("\r\n\r\n") {
        let count = recv(socketFD, &chunk, chunk.count, 0)
        if count <= 0 { break }
        received += chunk[0..<count]
    }
    return String(decoding: received, as: UTF8.self)
}

func cycle(_ index: Int) -> Int {
    let server = try! HTTPBunServer.start()
    let answered = connectAndSend(port: server.port, "GET /get HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    precondition(readHead(answered).hasPrefix("HTTP/1.1 200"), "GET /get did not answer 200")
    close(answered)
    let waiting = connectAndSend(port: server.port, "GET /delay/30 HTTP/1.1\r\nHost: x\r\n\r\n")
    while server.suspendedRequests < 1 { usleep(200) }
    if index % 2 == 0 { close(waiting) }  // a client that left while its request waits
    server.stop()
    if index % 2 == 1 { close(waiting) }
    return server.liveRequests
}

let cycles = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 200
for index in 0..<10 { _ = cycle(index) }  // warm up: first-use allocations, timer queue threads
let threadsBefore = count("/proc/self/task")
let descriptorsBefore = count("/proc/self/fd")
var liveRequestsAfterStop = 0
for index in 0..<cycles { liveRequestsAfterStop = max(liveRequestsAfterStop, cycle(index)) }
print(
    #"{"cycles": \#(cycles), "threadsBefore": \#(threadsBefore), "threadsAfter": \#(count("/proc/self/task")), "#
        + #""descriptorsBefore": \#(descriptorsBefore), "descriptorsAfter": \#(count("/proc/self/fd")), "#
        + #""liveRequestsAfterStop": \#(liveRequestsAfterStop)}"#)
