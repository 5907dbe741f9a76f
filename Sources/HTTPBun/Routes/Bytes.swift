/// Routes of this family; see ../shared/spec/endpoints.md.
enum ByteRoutes {
    static let routes: [Route] = []
}
