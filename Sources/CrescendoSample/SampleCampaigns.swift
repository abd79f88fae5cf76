/// A campaign on the sample model that uses most activities: the demo runs it in test mode and
/// writes it next to the data, as a starting point for your own.
public enum SampleCampaigns {
    public static let stayReminderFile = "stay-reminder.yaml"

    public static let stayReminder: String = """
        # Reminds guests of their upcoming stays, richest first, over every channel.
        # The demo writes it to crescendo-demo/stay-reminder.yaml:  crescendo campaign test crescendo-demo/stay-reminder.yaml --store sqlite:crescendo-demo.db
        name: stay-reminder
        description: Guests arriving within the next weeks, enriched with their hotel and loyalty, split by value.
        variables:
          horizon_days: {type: integer, default: "30"}
          min_stays: {type: integer, default: "1"}
        schedule:
          time_zone: Europe/Lisbon
          daily: {days: weekdays, at: ["09:00"]}
        triggers: {minimum_gap: 10m}
        activities:
          start: {type: start}
          upcoming stays:
            type: build-audience
            entity: reservation
            rule: "status = 'booked' and check_in >= today() and check_in <= today() + $horizon_days days and exists customer(count(reservations where status = 'completed') >= $min_stays)"
          with hotel and points:
            type: enrichment
            add:
              hotel_name: hotel.name
              hotel_city: hotel.city
              points: sum(customer.loyalty.points)
          first stay per guest:
            type: dedup
            by: [customer.id]
            choose: lowest
            expression: check_in
          guests:
            type: change-dimension
            to: customer
          value:
            type: enrichment
            add:
              completed: count(reservations where status = 'completed')
              spend: sum(reservations.amount where status = 'completed')
          segments:
            type: split
            subsets:
              - {name: top, sort: spend desc, limit: 10%}
              - {name: gold, filter: "tier = 'gold'"}
            complement: others
          vip list:
            type: read-audience
            audience: arriving-this-week
          top and arriving:
            type: combine
            operation: union
          email top:
            type: email
            fields: [first_name, spend]
            content:
              subject: "{{first_name}}, your next stay"
              text: "Hello {{first_name}}, thank you for {{spend}} of stays."
          sms gold:
            type: sms
            fields: [first_name]
            content: {text: "Hi {{first_name}}, see you soon."}
          post others:
            type: direct-mail
            fields: [first_name, last_name, address_line, postal_code, city]
          big enough:
            type: test
            branches:
              - {name: many, when: "count >= 10"}
            default: few
          note:
            type: alert
            message: "{{count}} guests got the stay reminder by email"
          done: {type: end}
          done small: {type: end}
          done sms: {type: end}
          done post: {type: end}
        transitions:
          - start -> upcoming stays
          - upcoming stays -> with hotel and points
          - with hotel and points -> first stay per guest
          - first stay per guest -> guests
          - guests -> value
          - value -> segments
          - segments.top -> top and arriving
          - vip list -> top and arriving
          - top and arriving -> email top
          - email top -> big enough
          - big enough.many -> note
          - note -> done
          - big enough.few -> done small
          - segments.gold -> sms gold
          - sms gold -> done sms
          - segments.others -> post others
          - post others -> done post

        """
}
