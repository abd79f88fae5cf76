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

    public static let arrivalWelcomeFile = "arrival-welcome.yaml"

    /// The demo's live campaign, over all four channels: one message per reservation checking in
    /// next week, by email to guests who accept it (gold members get their own), by SMS to those
    /// who accept texts but not email, by letter to those who accept neither, and a push to
    /// everyone with the app. Sent into the demo's outbox folders by `crescendo demo`.
    public static let arrivalWelcome: String = """
        # One welcome per reservation checking in next week, on the channel each guest accepts.
        # crescendo campaign test crescendo-demo/arrival-welcome.yaml --store sqlite:crescendo-demo.db
        name: arrival-welcome
        description: Guests arriving next week get their hotel's details by email, SMS or letter, and a push in the app.
        variables:
          days_ahead: {type: integer, default: "7"}
        schedule:
          time_zone: Europe/Lisbon
          daily: {at: ["10:00"]}
        activities:
          start: {type: start}
          arriving next week:
            type: build-audience
            entity: reservation
            rule: "status = 'booked' and check_in > today() and check_in <= today() + $days_ahead days"
          with hotel:
            type: enrichment
            add:
              hotel_name: hotel.name
              hotel_city: hotel.city
              guest_name: customer.first_name
          messages and app:
            type: fork
            branches: [messages, app]
          by channel:
            type: split
            subsets:
              - {name: email, filter: "customer.email_opt_in = true and customer.email is not null"}
              - {name: text, filter: "customer.sms_opt_in = true and customer.phone is not null"}
            complement: post
          gold or not:
            type: split
            subsets:
              - {name: gold, filter: "customer.tier = 'gold'"}
            complement: others
          welcome gold:
            type: email
            per: row
            profile: customer
            rules: default
            expire_after: 2d
            fields: [guest_name, hotel_name, hotel_city, check_in, nights, amount, currency]
            content:
              subject: "{{guest_name}}, your gold welcome at {{hotel_name}}"
              text: |
                Dear {{guest_name}},

                As a gold member, your room at {{hotel_name}} ({{hotel_city}}) is ready from {{date_long(check_in)}},
                for {{nights}} nights. Your upgrade and late check-out are on us.

                Unsubscribe: {{unsubscribe_url}}
              html: |
                <p>Dear {{guest_name}},</p>
                <p>As a <b>gold member</b>, your room at {{hotel_name}} ({{hotel_city}}) is ready from
                {{date_long(check_in)}}, for {{nights}} nights ({{number_2(amount)}} {{currency}}).</p>
                <p>Your upgrade and late check-out are on us.</p>
                <p><a href="{{unsubscribe_url}}">Unsubscribe</a></p>
          welcome others:
            type: email
            per: row
            profile: customer
            expire_after: 2d
            fields: [guest_name, hotel_name, hotel_city, check_in, nights]
            content:
              subject: "{{guest_name}}, see you soon at {{hotel_name}}"
              text: |
                Hello {{guest_name}},

                We look forward to welcoming you at {{hotel_name}} in {{hotel_city}} on {{date_long(check_in)}} for {{nights}} nights.

                Unsubscribe: {{unsubscribe_url}}
          welcome text:
            type: sms
            per: row
            profile: customer
            expire_after: 2d
            window: {from: "09:00", until: "20:00"}
            fields: [guest_name, hotel_name, check_in]
            content:
              text: "{{guest_name}}, {{hotel_name}} expects you on {{date_short(check_in)}}. Reply STOP to opt out."
          welcome letter:
            type: direct-mail
            per: row
            profile: customer
            expire_after: 2d
            fields: [hotel_name, hotel_city, check_in, nights]
            content:
              greeting: "Dear {{profile.first_name}} {{profile.last_name}},"
              arrival: "We look forward to welcoming you at {{hotel_name}}, {{hotel_city}}, on {{date_long(check_in)}}."
          in the app:
            type: split
            subsets:
              - {name: app, filter: "customer.push_opt_in = true and customer.push_token is not null"}
          welcome push:
            type: push
            per: row
            profile: customer
            expire_after: 1d
            fields: [guest_name, hotel_name, check_in]
            content:
              title: "See you soon, {{guest_name}}"
              body: "{{hotel_name}} expects you on {{date_short(check_in)}}. Check in from the app."
              data.screen: stay
              data.reservation: "{{message_id}}"
          done gold: {type: end}
          done others: {type: end}
          done text: {type: end}
          done letter: {type: end}
          done push: {type: end}
        transitions:
          - start -> arriving next week
          - arriving next week -> with hotel
          - with hotel -> messages and app
          - messages and app.messages -> by channel
          - messages and app.app -> in the app
          - by channel.email -> gold or not
          - by channel.text -> welcome text
          - by channel.post -> welcome letter
          - gold or not.gold -> welcome gold
          - gold or not.others -> welcome others
          - welcome gold -> done gold
          - welcome others -> done others
          - welcome text -> done text
          - welcome letter -> done letter
          - in the app.app -> welcome push
          - welcome push -> done push

        """
}
