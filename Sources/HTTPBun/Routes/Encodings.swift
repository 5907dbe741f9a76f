/// Routes of this family; see ../shared/spec/endpoints.md.
enum EncodingRoutes {
    static let routes: [Route] = []
}
