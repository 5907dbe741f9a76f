/// The release this build is.
public enum HTTPBunVersion {
    public static let current = "0.1.0"
}
