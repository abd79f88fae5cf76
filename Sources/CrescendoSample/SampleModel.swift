/// The data model of the sample dataset, in the workspace model format.
///
/// Shipped as text next to the generator so the two cannot drift: the tests compare each entity's
/// field list here with the CSV headers `SampleDataset` writes.
public enum SampleModel {
    /// Profiles are the guests; reservations and loyalty transactions hang off them, hotels roll up
    /// into regions. Every entity versions its rows by `updated_at`, which lets CDC ingestion drop
    /// stale upserts.
    public static let yaml: String = """
        # Crescendo sample: a hotel group's guests, their stays and loyalty activity.
        profile: profile
        time_zone: UTC
        entities:
          region:
            key: id
            version: updated_at
            fields:
              id: string
              name: string
              updated_at: timestamp
          hotel:
            key: id
            version: updated_at
            fields:
              id: string
              name: string
              city: string
              country: {type: string, index: true}
              region_id: string
              stars: integer
              rooms: integer
              opened: date
              updated_at: timestamp
            links:
              region: {to: region, by: region_id, reverse: hotels}
          profile:
            key: id
            version: updated_at
            fields:
              id: string
              email: {type: email, nullable: true}
              phone: {type: phone, nullable: true}
              first_name: string
              last_name: string
              locale: string
              country: {type: string, index: true}
              time_zone: string
              tier: {type: enum, values: [basic, silver, gold], index: true}
              birth_date: {type: date, nullable: true}
              home_hotel_id: {type: string, nullable: true}
              address_line: {type: string, nullable: true}
              postal_code: {type: string, nullable: true}
              city: {type: string, nullable: true}
              email_opt_in: boolean
              sms_opt_in: boolean
              push_opt_in: boolean
              push_token: {type: string, nullable: true}
              push_platform: {type: enum, values: [ios, android], nullable: true}
              created_at: timestamp
              updated_at: timestamp
            indexes:
              - [last_name, first_name]
            links:
              home_hotel: {to: hotel, by: home_hotel_id, reverse: home_guests}
          reservation:
            key: id
            version: updated_at
            fields:
              id: string
              profile_id: string
              hotel_id: string
              check_in: {type: date, index: true}
              nights: integer
              amount: decimal
              currency: {type: enum, values: [EUR, USD, GBP, BRL, JPY, AED]}
              status: {type: enum, values: [booked, cancelled, completed]}
              booked_at: timestamp
              updated_at: timestamp
            links:
              customer: {to: profile, by: profile_id, reverse: reservations}
              hotel: {to: hotel, by: hotel_id, reverse: reservations}
          loyalty_transaction:
            key: id
            version: updated_at
            fields:
              id: string
              profile_id: string
              points: integer
              kind: {type: enum, values: [earn, redeem]}
              date: date
              updated_at: timestamp
            links:
              member: {to: profile, by: profile_id, reverse: loyalty}

        """
}
