import Foundation
import Synchronization

/// Credentials from a `.netrc` file, as requests' `get_netrc_auth` finds them: the file named by
/// `NETRC`, else `~/.netrc`, else `~/_netrc`; the entry for the URL's host (without the port), else the
/// `default` entry; the login, or the account when the login is empty.
enum Netrc {
    struct Entry: Equatable {
        var login: String
        var account: String
        var password: String
    }

    /// The file's entries by machine name (`""` for `default`), parsed once per path and modification time.
    private static let cache = Mutex<[String: (modified: Date, entries: [String: Entry])]>([:])

    /// Basic credentials for `host` from the netrc file the environment points to, or nil.
    static func credentials(host: String, lookup: (String) -> String?) -> (username: String, password: String)? {
        guard let path = path(lookup: lookup), let entries = entries(atPath: path) else { return nil }
        guard let entry = entries[host.lowercased()] ?? entries[""] else { return nil }
        return (entry.login.isEmpty ? entry.account : entry.login, entry.password)
    }

    static func path(lookup: (String) -> String?) -> String? {
        if let named = lookup("NETRC"), !named.isEmpty { return (named as NSString).expandingTildeInPath }
        guard let home = lookup("HOME"), !home.isEmpty else { return nil }
        for name in [".netrc", "_netrc"] {
            let candidate = home + "/" + name
            // access(2), not FileManager: this runs on every call without credentials.
            if access(candidate, F_OK) == 0 { return candidate }
        }
        return nil
    }

    static func entries(atPath path: String) -> [String: Entry]? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let modified = attributes[.modificationDate] as? Date
        else { return nil }
        if let cached = cache.withLock({ $0[path] }), cached.modified == modified { return cached.entries }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let entries = parse(text)
        cache.withLock { $0[path] = (modified, entries) }
        return entries
    }

    /// Python's `netrc` grammar: `machine NAME` or `default`, then `login`, `password`, `account`
    /// tokens; `macdef NAME` skips to the next empty line; `"quoted values"` may hold spaces.
    /// The first entry for a machine wins, as in Python.
    static func parse(_ text: String) -> [String: Entry] {
        var entries: [String: Entry] = [:]
        var tokens = Tokens(text: text)
        var machine: String?
        var entry = Entry(login: "", account: "", password: "")
        func finish() {
            if let machine, entries[machine] == nil { entries[machine] = entry }
            machine = nil
            entry = Entry(login: "", account: "", password: "")
        }
        while let token = tokens.next() {
            switch token {
            case "machine":
                finish()
                machine = tokens.next()?.lowercased()
            case "default":
                finish()
                machine = ""
            case "login", "user": entry.login = tokens.next() ?? ""
            case "password": entry.password = tokens.next() ?? ""
            case "account": entry.account = tokens.next() ?? ""
            case "macdef":
                finish()
                tokens.skipMacro()
            default: continue
            }
        }
        finish()
        return entries
    }

    private struct Tokens {
        var characters: [Character]
        var index = 0
        init(text: String) { characters = Array(text) }

        mutating func next() -> String? {
            while index < characters.count {
                if characters[index] == "#", index == 0 || characters[index - 1].isNewline {
                    while index < characters.count, !characters[index].isNewline { index += 1 }   // a comment line
                } else if characters[index].isWhitespace {
                    index += 1
                } else {
                    break
                }
            }
            guard index < characters.count else { return nil }
            var token = ""
            if characters[index] == "\"" {
                index += 1
                while index < characters.count, characters[index] != "\"" {
                    if characters[index] == "\\", index + 1 < characters.count { index += 1 }
                    token.append(characters[index])
                    index += 1
                }
                index += 1
                return token
            }
            while index < characters.count, !characters[index].isWhitespace {
                if characters[index] == "\\", index + 1 < characters.count { index += 1 }
                token.append(characters[index])
                index += 1
            }
            return token
        }

        /// Skips a `macdef` body: up to an empty line.
        mutating func skipMacro() {
            _ = next()   // its name
            while index < characters.count {
                if characters[index].isNewline, index + 1 < characters.count, characters[index + 1].isNewline { return }
                index += 1
            }
        }
    }
}
