import HTTPBunCore

// What `import HTTPBun` gives besides `HTTPBunServer`: the configuration and its errors. The routes,
// requests and responses stay in `HTTPBunCore`, so this module's names never clash with the
// `Requests` client's (`Request`, `Response`) in a test that imports both.

/// Everything a server instance is told at start (see `HTTPBunCore.ServerConfiguration`).
public typealias ServerConfiguration = HTTPBunCore.ServerConfiguration
/// Why a server could not start.
public typealias ServerStartError = HTTPBunCore.ServerStartError
/// The certificate chain and private key served over HTTPS.
public typealias TLSIdentity = HTTPBunCore.TLSIdentity
/// Why TLS material could not be loaded or made.
public typealias TLSSetupError = HTTPBunCore.TLSSetupError
/// The release this build is.
public typealias HTTPBunVersion = HTTPBunCore.HTTPBunVersion
/// The requests a server answered (`HTTPBunServer.journal`).
public typealias RequestJournal = HTTPBunCore.RequestJournal
/// One request in the journal.
public typealias JournalEntry = HTTPBunCore.JournalEntry
/// Which journal entries to read.
public typealias JournalFilter = HTTPBunCore.JournalFilter
/// A page of journal entries, with the id for the next page.
public typealias JournalPage = HTTPBunCore.JournalPage
/// One request's access line (`AccessLog`).
public typealias AccessRecord = HTTPBunCore.AccessRecord
/// Human access lines or JSON ones.
public typealias LogFormat = HTTPBunCore.LogFormat
/// A moment in UTC to the millisecond, as the logs write it.
public typealias WallTime = HTTPBunCore.WallTime
/// RFC 3339 timestamps for log lines.
public typealias LogTimestamps = HTTPBunCore.LogTimestamps
