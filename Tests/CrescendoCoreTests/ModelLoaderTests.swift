import CrescendoCore
import Testing

@Suite struct ModelLoaderTests {
    @Test func loadsEntitiesFieldsAndLinksBothWays() throws {
        let model = try Fixtures.model()
        #expect(model.profileEntity == "profile")
        #expect(model.timeZone == "Europe/Lisbon")
        #expect(model.entities.map(\.name) == ["profile", "hotel", "reservation"])
        let reservation = try #require(model.entity(named: "reservation"))
        #expect(reservation.fields.map(\.name) == ["id", "profile_id", "hotel_id", "check_in", "nights", "amount", "status", "updated_at"])
        #expect(reservation.field(named: "status")?.values == ["booked", "cancelled", "completed"])
        #expect(reservation.link(named: "customer")?.target == "profile")
        let reverse = model.reverseLinks(of: "profile")
        #expect(reverse.map(\.name) == ["reservations"])
        #expect(reverse.first?.isToMany == true)
        #expect(model.entity(named: "profile")?.field(named: "email")?.nullable == true)
        #expect(model.entity(named: "profile")?.field(named: "time_zone")?.defaultValue == "UTC")
        // Links are indexed so that reverse navigation is a lookup.
        #expect(reservation.storedIndexes.map(\.fields) == [["profile_id"], ["hotel_id"]])
        let cityIndex = try #require(model.entity(named: "hotel")?.storedIndexes.first?.name)
        #expect(cityIndex.hasPrefix("ix_hotel_city_"))
        // Names that would read alike stay distinct, and none exceeds PostgreSQL's 63 bytes.
        #expect(StoredIndex(entity: "guest", fields: ["vip_tier"]).name != StoredIndex(entity: "guest_vip", fields: ["tier"]).name)
        #expect(StoredIndex(entity: "a", fields: ["first_name"]).name != StoredIndex(entity: "a", fields: ["first", "name"]).name)
        #expect(StoredIndex(entity: String(repeating: "e", count: 63), fields: [String(repeating: "f", count: 63)]).name.utf8.count <= 63)
    }

    @Test func compositeKeysAndCompositeLinks() throws {
        let model = try Fixtures.model("""
            entities:
              room:
                key: [hotel_id, number]
                version: revision
                fields: {hotel_id: string, number: integer, revision: integer}
              stay:
                key: id
                version: revision
                fields: {id: string, room_hotel: string, room_number: integer, revision: integer}
                links:
                  room: {to: room, by: [room_hotel, room_number], reverse: stays, kind: one-to-one}
            """)
        #expect(model.entity(named: "room")?.key == ["hotel_id", "number"])
        #expect(model.entity(named: "stay")?.link(named: "room")?.kind == .oneToOne)
        #expect(model.reverseLinks(of: "room").first?.isToMany == false)
    }

    /// The message of the model error for `yaml`, which must fail to load.
    private func problems(_ yaml: String) -> String {
        do {
            _ = try Fixtures.model(yaml)
            Issue.record("expected the model to be refused")
            return ""
        } catch {
            #expect(error.code == .invalidModel)
            return error.message
        }
    }

    @Test func unknownTypeNamesTheEntityFieldAndLineWithASuggestion() {
        let message = problems("""
            entities:
              hotel:
                key: id
                version: updated_at
                fields:
                  id: string
                  opened: dat
                  updated_at: timestamp
            """)
        #expect(message.contains("line 7: entity hotel, field opened: unknown type \"dat\" — did you mean \"date\"?"))
    }

    @Test func danglingLinkAndWrongKeyCount() {
        let message = problems("""
            entities:
              reservation:
                key: id
                version: v
                fields: {id: string, hotel_id: string, v: integer}
                links:
                  hotel: {to: hotels, by: hotel_id}
                  other: {to: reservation, by: [id, hotel_id]}
            """)
        #expect(message.contains("entity reservation, link hotel: links to \"hotels\", which is not an entity of the model"))
        #expect(message.contains("entity reservation, link other: `by` names 2 field(s) but reservation's key has 1"))
    }

    @Test func missingKeyAndVersionAreReported() {
        let message = problems("""
            entities:
              hotel:
                fields: {id: string}
            """)
        #expect(message.contains("entity hotel: missing `key:`"))
        #expect(message.contains("entity hotel: missing `version:`"))
    }

    @Test func keyAndVersionMustBeFieldsOfTheRightKind() {
        let message = problems("""
            entities:
              hotel:
                key: idd
                version: name
                fields: {id: string, name: string}
            """)
        #expect(message.contains("key field \"idd\" is not among the fields — did you mean \"id\"?"))
        #expect(message.contains("the version field \"name\" must be a timestamp or an integer, not string"))
    }

    @Test func unsafeAndReservedNamesAreRefused() {
        let message = problems("""
            entities:
              Hotel:
                key: id
                version: v
                fields: {id: string, v: integer, "drop table": string, count: integer}
              crescendo_x:
                key: id
                version: v
                fields: {id: string, v: integer}
            """)
        #expect(message.contains("entity name \"Hotel\" is not a safe identifier"))
        #expect(message.contains("field name \"drop table\" is not a safe identifier"))
        #expect(message.contains("field name \"count\" is a word of the rule language"))
        #expect(message.contains("entity name \"crescendo_x\" uses the prefix crescendo_"))
    }

    @Test func duplicateReverseNamesAreRefused() {
        let message = problems("""
            entities:
              profile:
                key: id
                version: v
                fields: {id: string, v: integer}
              reservation:
                key: id
                version: v
                fields: {id: string, profile_id: string, v: integer}
                links: {customer: {to: profile, by: profile_id, reverse: bookings}}
              order_line:
                key: id
                version: v
                fields: {id: string, profile_id: string, v: integer}
                links: {buyer: {to: profile, by: profile_id, reverse: bookings}}
            """)
        #expect(message.contains("reverse name \"bookings\" on profile is also used by order_line.buyer"))
    }

    @Test func guardrailsAreEnforcedAndConfigurable() throws {
        let twoEntities = """
            guardrails: {max_entities: 1}
            entities:
              a: {key: id, version: v, fields: {id: string, v: integer}}
              b: {key: id, version: v, fields: {id: string, v: integer}}
            """
        #expect(problems(twoEntities).contains("2 entities exceed the guardrail of 1"))
        let raised = try Fixtures.model(twoEntities.replacingOccurrences(of: "max_entities: 1", with: "max_entities: 2"))
        #expect(raised.entities.count == 2)
        #expect(problems("""
            guardrails: {max_fields_per_entity: 2}
            entities:
              a: {key: id, version: v, fields: {id: string, v: integer, x: string}}
            """).contains("3 fields exceed the guardrail of 2"))
    }

    @Test func enumsDefaultsAndUnknownKeys() {
        let message = problems("""
            entities:
              a:
                key: id
                version: v
                fields:
                  id: string
                  v: integer
                  tier: {type: enum}
                  nights: {type: integer, default: "many"}
                  flag: {type: boolean, nulable: true}
            """)
        #expect(message.contains("field tier: an enum needs `values: [...]`"))
        #expect(message.contains("field nights: default \"many\" is not an integer"))
        #expect(message.contains("unknown key \"nulable\" — did you mean \"nullable\"?"))
    }

    @Test func invalidYAMLSaysWhere() {
        #expect(problems("entities:\n  a: [unclosed\n").contains("not valid YAML: line"))
    }
}
