/// Which provider sends a channel's message to a given person, chosen by a profile field read
/// at send time: iOS devices through APNs, Android ones through FCM. A value without a provider
/// falls back to the channel's default provider.
public struct ProviderRoute: Sendable, Hashable {
    public var field: String
    public var providers: [String: String]

    public init(field: String, providers: [String: String]) {
        self.field = field
        self.providers = providers
    }

    public func provider(for profile: [String: Value]) -> String? {
        guard let value = profile[field]?.text else { return nil }
        return providers[value] ?? providers[value.lowercased()]
    }
}
