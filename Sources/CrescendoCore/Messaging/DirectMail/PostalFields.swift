/// Which profile fields make up a postal address, as a direct-mail activity names them
/// (`postal:`) or, when it does not, as the usual field names suggest. Fields are read from the
/// profile at send time, so an address corrected after the campaign ran is the one printed.
public struct PostalFields: Sendable, Hashable, Codable {
    /// Joined with a space into the recipient line (first and last name).
    public var name: [String]
    /// Street lines in order.
    public var lines: [String]
    public var postalCode: String?
    public var city: String?
    public var region: String?
    public var country: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, lines
        case postalCode = "postal_code"
        case city, region, country
    }

    public init(name: [String], lines: [String], postalCode: String?, city: String?, region: String?, country: String?) {
        self.name = name
        self.lines = lines
        self.postalCode = postalCode
        self.city = city
        self.region = region
        self.country = country
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func list(_ key: CodingKeys) throws -> [String] {
            if let one = try? container.decodeIfPresent(String.self, forKey: key) { return [one] }
            return try container.decodeIfPresent([String].self, forKey: key) ?? []
        }
        name = try list(.name)
        lines = try list(.lines)
        postalCode = try container.decodeIfPresent(String.self, forKey: .postalCode)
        city = try container.decodeIfPresent(String.self, forKey: .city)
        region = try container.decodeIfPresent(String.self, forKey: .region)
        country = try container.decodeIfPresent(String.self, forKey: .country)
    }

    /// Every profile field the address reads.
    public var all: [String] { name + lines + [postalCode, city, region, country].compactMap { $0 } }

    /// The activity's choice, completed with the profile's usual field names; every name must be
    /// a field of the profile.
    public static func resolve(_ chosen: PostalFields?, profile: Entity) throws(CrescendoError) -> PostalFields {
        func has(_ name: String) -> Bool { profile.field(named: name) != nil }
        func first(_ candidates: [String]) -> String? { candidates.first(where: has) }
        var fields = chosen ?? PostalFields(name: [], lines: [], postalCode: nil, city: nil, region: nil, country: nil)
        if fields.name.isEmpty {
            fields.name = has("first_name") && has("last_name") ? ["first_name", "last_name"] : first(["full_name", "name"]).map { [$0] } ?? []
        }
        if fields.lines.isEmpty {
            fields.lines = ["address_line", "address_line1", "address_line_1", "address1", "street", "address"].filter(has)
            if let second = first(["address_line2", "address_line_2", "address2"]) { fields.lines.append(second) }
        }
        if chosen?.postalCode == nil { fields.postalCode = first(["postal_code", "postcode", "zip", "zip_code"]) }
        if chosen?.city == nil { fields.city = first(["city", "town", "locality"]) }
        if chosen?.region == nil { fields.region = first(["region", "state", "province"]) }
        if chosen?.country == nil { fields.country = first(["country", "country_code"]) }
        for name in fields.all where !has(name) {
            throw CrescendoError(.invalidArgument, "postal: no field \"\(name)\" on \(profile.name)\(Spelling.hint(name, among: profile.fields.map(\.name)))")
        }
        if fields.name.isEmpty { throw CrescendoError(.invalidArgument, "postal.name: \(profile.name) has no first_name/last_name or name field; name the recipient's fields") }
        if fields.lines.isEmpty { throw CrescendoError(.invalidArgument, "postal.lines: \(profile.name) has no address_line field; name the street fields") }
        return fields
    }

    /// The address of a profile as read at send time.
    public func address(of profile: [String: Value]) -> PostalAddress {
        func text(_ name: String?) -> String? {
            guard let name, let value = profile[name]?.text?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
            return value
        }
        let nameParts = name.compactMap(text)
        return PostalAddress(
            name: nameParts.isEmpty ? nil : nameParts.joined(separator: " "), lines: lines.compactMap(text),
            postalCode: text(postalCode), city: text(city), region: text(region), country: text(country))
    }
}

import Foundation

extension PostalFields {
    /// The extract's address columns: the recipient, one column per street line, then the
    /// postal code, city, region (when the profile has one) and country.
    public var extractColumns: [String] {
        ["name"] + lines.indices.map { "address_line_\($0 + 1)" } + ["postal_code", "city"] + (region == nil ? [] : ["region"]) + ["country"]
    }

    /// The address columns' values, in `extractColumns` order.
    public func extractValues(_ address: PostalAddress) -> [String] {
        var values = [address.name ?? ""]
        for index in lines.indices { values.append(index < address.lines.count ? address.lines[index] : "") }
        values += [address.postalCode ?? "", address.city ?? ""]
        if region != nil { values.append(address.region ?? "") }
        values.append(address.country ?? "")
        return values
    }

    /// Column names the extract uses for itself, which a content part may not take.
    public static func isAddressColumn(_ name: String) -> Bool {
        ["message_id", "name", "postal_code", "city", "region", "country"].contains(name) || name.hasPrefix("address_line_")
    }
}
