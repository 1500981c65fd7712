/// The runtime's version: printed by `--version`, and part of every cache key (a filter
/// compiled by another build is never reused).
public enum RuntimeVersion {
    public static let version = "0.1.0"
}
