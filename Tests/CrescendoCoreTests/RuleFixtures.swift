import Foundation
import Testing

@testable import CrescendoCore

/// A hotel group's model, clock and helpers shared by the rule language tests.
enum RuleFixtures {
    static let yaml = """
        profile: profile
        time_zone: UTC
        entities:
          region:
            key: id
            version: updated_at
            fields: {id: string, name: string, updated_at: timestamp}
          hotel:
            key: id
            version: updated_at
            fields:
              id: string
              name: string
              city: string
              country: string
              region_id: string
              stars: integer
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
              first_name: string
              tier: {type: enum, values: [basic, silver, gold]}
              birth_date: {type: date, nullable: true}
              home_hotel_id: {type: string, nullable: true}
              email_opt_in: boolean
              created_at: timestamp
              updated_at: timestamp
            links:
              home_hotel: {to: hotel, by: home_hotel_id, reverse: home_guests}
          reservation:
            key: id
            version: updated_at
            fields:
              id: string
              profile_id: string
              hotel_id: string
              check_in: date
              nights: integer
              amount: decimal
              status: {type: enum, values: [booked, cancelled, completed]}
              booked_at: timestamp
              updated_at: timestamp
            links:
              customer: {to: profile, by: profile_id, reverse: reservations}
              hotel: {to: hotel, by: hotel_id, reverse: reservations}
          loyalty_transaction:
            key: id
            version: updated_at
            fields: {id: string, profile_id: string, points: integer, date: date, updated_at: timestamp}
            links:
              member: {to: profile, by: profile_id, reverse: loyalty}
        """

    static func model() throws -> DataModel {
        try ModelLoader(sourceName: "rules.yaml").load(yaml: yaml)
    }

    static func entity(_ name: String) throws -> Entity {
        try #require(try model().entity(named: name))
    }

    static func field(_ entity: String, _ name: String) throws -> Field {
        try #require(try model().entity(named: entity)?.field(named: name))
    }

    // MARK: Clock

    /// Microseconds since the epoch of a UTC wall time.
    static func micros(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0) -> Int64 {
        Int64(CivilTime.daysFromCivil(year: year, month: month, day: day)) * 86_400_000_000
            + Int64(hour * 3600 + minute * 60) * 1_000_000
    }

    /// 2026-11-30T10:00:00Z.
    static let now = micros(2026, 11, 30, 10)

    static func environment(
        now: Int64 = now, zone: String = "UTC", variables: [String: Value] = [:], audiences: [String: AudienceReference] = [:]
    ) -> RuleEnvironment {
        RuleEnvironment(now: now, timeZone: TimeZone(identifier: zone)!, variables: variables, audiences: audiences)
    }

    static let goldAudience = AudienceReference(name: "gold", entity: "profile", members: .snapshot(table: "audience_gold"))

    // MARK: Checking

    static func check(_ rule: String, on entity: String, _ environment: RuleEnvironment = environment()) throws -> BoundExpression {
        try RuleChecker.check(try RuleParser.parse(rule), on: try self.entity(entity), model: try model(), environment: environment)
    }

    /// The checker's error message for a rule that must be refused (nil, with an issue, when it binds).
    static func problem(
        _ rule: String, on entity: String, _ environment: RuleEnvironment = environment(), sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String? {
        let parsed = try RuleParser.parse(rule)
        let entity = try self.entity(entity), model = try model()
        do {
            let bound = try RuleChecker.check(parsed, on: entity, model: model, environment: environment)
            Issue.record("expected \(rule) to be refused, got \(bound)", sourceLocation: sourceLocation)
            return nil
        } catch {
            #expect(error.code == .invalidRule, sourceLocation: sourceLocation)
            return error.message
        }
    }

    // MARK: Bound trees

    static func column(_ entity: String, _ name: String, steps: [LinkStep] = []) throws -> BoundExpression {
        .column(ColumnReference(steps: steps, entity: entity, field: try field(entity, name)))
    }

    static func text(_ value: String) -> BoundExpression { .constant(.text(value), .text) }
    static func date(_ value: String) -> BoundExpression { .constant(.text(value), .date) }
    static func integer(_ value: Int64) -> BoundExpression { .constant(.integer(value), .integer) }
    static func timestamp(_ value: Int64) -> BoundExpression { .constant(.timestamp(value), .timestamp) }

    // Links as the checker resolves them.
    static let customer = LinkStep(name: "customer", from: "reservation", to: "profile", fromColumns: ["profile_id"], toColumns: ["id"], isToMany: false)
    static let reservationHotel = LinkStep(name: "hotel", from: "reservation", to: "hotel", fromColumns: ["hotel_id"], toColumns: ["id"], isToMany: false)
    static let homeHotel = LinkStep(name: "home_hotel", from: "profile", to: "hotel", fromColumns: ["home_hotel_id"], toColumns: ["id"], isToMany: false)
    static let region = LinkStep(name: "region", from: "hotel", to: "region", fromColumns: ["region_id"], toColumns: ["id"], isToMany: false)
    static let reservations = LinkStep(name: "reservations", from: "profile", to: "reservation", fromColumns: ["id"], toColumns: ["profile_id"], isToMany: true)
    static let hotelReservations = LinkStep(name: "reservations", from: "hotel", to: "reservation", fromColumns: ["id"], toColumns: ["hotel_id"], isToMany: true)
    static let loyalty = LinkStep(name: "loyalty", from: "profile", to: "loyalty_transaction", fromColumns: ["id"], toColumns: ["profile_id"], isToMany: true)
}

/// Short constructors for expected rule trees (positions are not compared).
enum RuleTree {
    static let at = SourcePosition.unknown

    static func field(_ path: String) -> RuleExpression { .path(path.split(separator: ".").map(String.init), at) }
    static func text(_ value: String) -> RuleExpression { .literal(.string(value), at) }
    static func int(_ value: Int64) -> RuleExpression { .literal(.integer(value), at) }
    static func dec(_ value: String) -> RuleExpression { .literal(.decimal(value), at) }
    static func bool(_ value: Bool) -> RuleExpression { .literal(.boolean(value), at) }
    static let null = RuleExpression.literal(.null, at)
    static func variable(_ name: String) -> RuleExpression { .variable(name, at) }
    static func call(_ name: String, _ arguments: RuleExpression...) -> RuleExpression { .call(name, arguments, at) }
    static func interval(_ amount: RuleExpression, _ unit: IntervalUnit) -> RuleExpression { .interval(amount, unit, at) }
    static func arith(_ op: ArithmeticOperator, _ left: RuleExpression, _ right: RuleExpression) -> RuleExpression {
        .arithmetic(op, left, right, at)
    }
    static func agg(_ function: AggregateFunction, _ path: String, where filter: RuleExpression? = nil) -> RuleExpression {
        .aggregate(function, path.split(separator: ".").map(String.init), filter: filter, at)
    }
    static func cmp(_ left: RuleExpression, _ op: ComparisonOperator, _ right: RuleExpression, ignoreCase: Bool = false) -> RuleExpression {
        .compare(op, left, right, ignoreCase: ignoreCase, at)
    }
    static func between(_ value: RuleExpression, _ low: RuleExpression, _ high: RuleExpression, negated: Bool = false) -> RuleExpression {
        .between(value, low, high, negated: negated, at)
    }
    static func list(_ value: RuleExpression, _ items: [RuleExpression], negated: Bool = false, ignoreCase: Bool = false) -> RuleExpression {
        .inList(value, items, negated: negated, ignoreCase: ignoreCase, at)
    }
    static func isNull(_ value: RuleExpression, negated: Bool = false) -> RuleExpression { .isNull(value, negated: negated, at) }
    static func match(
        _ kind: TextMatch, _ value: RuleExpression, _ pattern: String, negated: Bool = false, ignoreCase: Bool = false
    ) -> RuleExpression {
        .match(kind, value, text(pattern), negated: negated, ignoreCase: ignoreCase, at)
    }
    static func and(_ parts: RuleExpression...) -> RuleExpression { .and(parts) }
    static func or(_ parts: RuleExpression...) -> RuleExpression { .or(parts) }
    static func not(_ inner: RuleExpression) -> RuleExpression { .not(inner, at) }
    static func exists(_ path: String, _ filter: RuleExpression? = nil) -> RuleExpression {
        .exists(path.split(separator: ".").map(String.init), filter: filter, at)
    }
    static func audience(_ name: String, path: String = "") -> RuleExpression {
        .inAudience(path.split(separator: ".").map(String.init), name, at)
    }
}
