/// Routes of this family; see ../shared/spec/endpoints.md.
enum ImageRoutes {
    static let routes: [Route] = []
}
