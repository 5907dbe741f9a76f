// Handlers' values are built from the shared wire types (`Response.headers` is an `HTTPHeaders`):
// whoever imports the core to call routes gets them too.
@_exported import HTTPWire
