import Foundation
import Testing
@testable import Requests

@Suite struct MultipartTests {
    @Test func encodesFieldsAndFilesByteForByte() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("requests-mp-\(UUID().uuidString).txt").path
        try Data("from disk\n".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let files: Files = [
            "file": .path(path, filename: "test.txt"),
            "blob": .bytes([0, 255], filename: "b.bin", contentType: "application/octet-stream"),
        ]
        let (body, type) = try Multipart.encode(fields: ["description": "Profile photo", "q\"x": "1"], files: files, boundary: "BOUNDARY")
        #expect(type == "multipart/form-data; boundary=BOUNDARY")
        let expected: [UInt8] = Array("""
            --BOUNDARY\r
            Content-Disposition: form-data; name="description"\r
            \r
            Profile photo\r
            --BOUNDARY\r
            Content-Disposition: form-data; name="q%22x"\r
            \r
            1\r
            --BOUNDARY\r
            Content-Disposition: form-data; name="file"; filename="test.txt"\r
            Content-Type: text/plain\r
            \r
            from disk
            \r
            --BOUNDARY\r
            Content-Disposition: form-data; name="blob"; filename="b.bin"\r
            Content-Type: application/octet-stream\r
            \r

            """.utf8) + [0, 255] + Array("\r\n--BOUNDARY--\r\n".utf8)
        let bytes = try await body.collect()
        #expect(bytes == expected)
        #expect(body.length == expected.count)
        // The file is a part of its own, read when sent, not copied into memory.
        #expect(body.parts.contains { if case .file = $0 { true } else { false } })
    }

    @Test func streamsLargeFilesInChunks() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("requests-big-\(UUID().uuidString).bin").path
        let size = 300 * 1024 + 7
        try Data(repeating: 0x61, count: size).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let body = try RequestBody.file(path)
        var chunks = 0
        var total = 0
        for try await chunk in body.chunks {
            chunks += 1
            total += chunk.count
            #expect(chunk.count <= 64 * 1024)
        }
        #expect(total == size)
        #expect(chunks >= 5)
    }

    @Test func streamUploadWithoutLengthIsChunked() async throws {
        let files: Files = ["f": .stream(filename: "s.txt") {
            AsyncThrowingStream { continuation in
                continuation.yield(Array("ab".utf8))
                continuation.yield(Array("cd".utf8))
                continuation.finish()
            }
        }]
        let (body, _) = try Multipart.encode(fields: [:], files: files, boundary: "B")
        #expect(body.length == nil)
        let text = String(decoding: try await body.collect(), as: UTF8.self)
        #expect(text == "--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"s.txt\"\r\n\r\nabcd\r\n--B--\r\n")
        // Replayable: a second read gives the same bytes.
        #expect(String(decoding: try await body.collect(), as: UTF8.self) == text)
    }

    @Test func missingFileIsAClearError() {
        #expect(throws: FileUnreadable.self) {
            _ = try Multipart.encode(fields: [:], files: ["f": .path("/no/such/file.txt")])
        }
    }

    @Test func sessionSendsMultipartWithFormFields() async throws {
        let seen = Recorder<Request>()
        let session = Session(transport: recordingMock(seen) { _, _ in Response(statusCode: 200) })
        _ = try await session.post("http://h.test/upload", data: ["description": "d"], files: ["file": .text("hi", filename: "a.txt")])
        let request = try #require(seen.all.first)
        let type = try #require(request.headers["Content-Type"])
        #expect(type.hasPrefix("multipart/form-data; boundary="))
        #expect(request.bodyText.contains("name=\"description\"\r\n\r\nd\r\n"))
        #expect(request.bodyText.contains("filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhi\r\n"))
    }
}
