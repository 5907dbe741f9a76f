/// Routes of this family; see ../shared/spec/endpoints.md.
enum StreamRoutes {
    static let routes: [Route] = []
}
