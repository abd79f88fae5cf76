import CrescendoCore

/// A small hotel model used across the core tests.
enum Fixtures {
    static let hotelModel = """
        profile: profile
        time_zone: Europe/Lisbon
        entities:
          profile:
            key: id
            version: updated_at
            fields:
              id: string
              email: {type: email, nullable: true}
              first_name: string
              time_zone: {type: string, default: "UTC"}
              tier: {type: enum, values: [basic, silver, gold]}
              updated_at: timestamp
          hotel:
            key: id
            version: updated_at
            fields:
              id: string
              city: {type: string, index: true}
              updated_at: timestamp
          reservation:
            key: id
            version: updated_at
            fields: {id: string, profile_id: string, hotel_id: string, check_in: date, nights: integer, amount: decimal, status: {type: enum, values: [booked, cancelled, completed]}, updated_at: timestamp}
            links:
              customer: {to: profile, by: profile_id, reverse: reservations}
              hotel: {to: hotel, by: hotel_id, reverse: reservations}
        """

    static func model(_ yaml: String = hotelModel) throws(CrescendoError) -> DataModel {
        try ModelLoader(sourceName: "model.yaml").load(yaml: yaml)
    }
}
