import Foundation

/// Sends what is due in the outbox: claims a batch, reads the profile side fresh, applies the
/// policies, renders, sends through the channel's provider, and records each result as soon as
/// the provider answers. The `DispatchMachine` decides; this type only does the I/O around it.
///
/// Messages of one profile in a batch go one after the other (so frequency caps see the previous
/// send); different profiles go side by side, up to `concurrency`.
public struct Dispatcher: Sendable {
    public struct Settings: Sendable {
        public var worker: String
        /// Seconds a claim lasts; renewed while the batch is being sent.
        public var lease: Int64
        public var batchSize: Int
        public var concurrency: Int
        public var retry: DispatchMachine.RetryPolicy
        public var ruleSets: [String: PolicyRuleSet]
        /// The provider of each channel when the activity names none.
        public var defaultProviders: [Channel: String]
        /// Messages per second per provider.
        public var providerRates: [String: Double]
        /// Profile fields holding the recipient's locale and time zone.
        public var localeField: String
        public var timeZoneField: String
        /// The profile field holding the ISO country that national phone numbers are read in.
        public var countryField: String
        /// Providers chosen per person by a profile field (push: iOS or Android).
        public var routes: [Channel: ProviderRoute] = [:]

        public init(worker: String, lease: Int64 = 300, batchSize: Int = 200, concurrency: Int = 8, retry: DispatchMachine.RetryPolicy = .init(), ruleSets: [String: PolicyRuleSet] = [:], defaultProviders: [Channel: String] = [:], providerRates: [String: Double] = [:], localeField: String = "locale", timeZoneField: String = "time_zone", countryField: String = "country") {
            self.countryField = countryField
            self.worker = worker
            self.lease = lease
            self.batchSize = batchSize
            self.concurrency = concurrency
            self.retry = retry
            self.ruleSets = ruleSets
            self.defaultProviders = defaultProviders
            self.providerRates = providerRates
            self.localeField = localeField
            self.timeZoneField = timeZoneField
        }
    }

    /// What one pass did, by outcome.
    public struct Counts: Sendable, Hashable, Codable {
        public var claimed = 0
        public var sent = 0
        public var excluded = 0
        public var rescheduled = 0
        public var failed = 0
        public var expired = 0
        public var lostClaims = 0
        /// Direct-mail extracts delivered in this pass, and those that could not be.
        public var extracts = 0
        public var extractProblems: [String] = []
        public init() {}
    }

    public let messages: MessageRepository
    public let campaigns: CampaignRepository
    public let transports: [String: any MessageTransport]
    public let renderer: any MessageRenderer
    public let settings: Settings
    public let throttle: ThrottleGate
    /// Called between the send and its record, for crash tests (a process that exits there).
    public let faultHook: (@Sendable (String) async -> Void)?

    public init(messages: MessageRepository, campaigns: CampaignRepository, transports: [String: any MessageTransport], renderer: any MessageRenderer, settings: Settings, throttle: ThrottleGate = ThrottleGate(), faultHook: (@Sendable (String) async -> Void)? = nil) {
        self.messages = messages
        self.campaigns = campaigns
        self.transports = transports
        self.renderer = renderer
        self.settings = settings
        self.throttle = throttle
        self.faultHook = faultHook
    }

    /// The channels this dispatcher can send: those with a configured provider.
    var channels: [Channel] {
        Channel.allCases.filter { channel in
            (settings.defaultProviders[channel].map { transports[$0] != nil } ?? false)
                || (settings.routes[channel]?.providers.values.contains { transports[$0] != nil } ?? false)
        }
    }

    /// One batch. Returns what happened; `claimed == 0` means nothing was due.
    public func dispatchOnce(now: Int64 = Int64(Date().timeIntervalSince1970)) async throws -> Counts {
        var counts = Counts()
        // Messages of a channel without a provider wait in the outbox (reported as pending).
        let channels = self.channels
        guard !channels.isEmpty else { return counts }
        let batch = try await messages.claim(worker: settings.worker, lease: settings.lease, now: now, limit: settings.batchSize, channels: channels)
        counts.claimed = batch.count
        guard !batch.isEmpty else { return counts }

        // What every message of the batch needs, read once.
        var plans: [Int64: ExecutionPlan] = [:]
        for execution in Set(batch.map(\.execution)) { plans[execution] = try await plan(execution) }
        let profileKeys = batch.compactMap(\.profileKey)
        let profiles = try await messages.profiles(keys: profileKeys)
        var consent: [String: [String: ConsentStatus]] = [:]   // by "channel/purpose"
        var suppression: [Channel: [String: SuppressionEntry]] = [:]
        for channel in Set(batch.map(\.channel)) {
            let ofChannel = batch.filter { $0.channel == channel }
            suppression[channel] = try await messages.suppressions(addresses: ofChannel.compactMap(\.address), channel: channel)
            for purpose in Set(ofChannel.map { plans[$0.execution]?.activities[$0.activity]?.purpose ?? "marketing" }) {
                consent["\(channel.rawValue)/\(purpose)"] = try await messages.consent(profileKeys: ofChannel.compactMap(\.profileKey), channel: channel, purpose: purpose)
            }
        }
        // Caps count back at most a month and a bit (the longest calendar period).
        let received = try await messages.received(profileKeys: profileKeys, since: now - 32 * 86_400)

        let groups = Dictionary(grouping: batch) { $0.profileKey ?? "\u{0}\($0.id)" }.values.map { $0.sorted { $0.id < $1.id } }
        let shared = BatchContext(plans: plans, profiles: profiles, consent: consent, suppression: suppression)
        let results = try await withThrowingTaskGroup(of: [DispatchRecord].self) { group in
            // Keep the claim alive while the batch is sent.
            group.addTask {
                let ids = batch.map(\.id)
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: UInt64(max(1, settings.lease / 3)) * 1_000_000_000)
                    if Task.isCancelled { break }
                    try? await messages.renew(ids, worker: settings.worker, until: Int64(Date().timeIntervalSince1970) + settings.lease)
                }
                return []
            }
            var records: [DispatchRecord] = []
            var iterator = groups.makeIterator()
            var running = 0
            func next() -> Bool {
                guard let ofProfile = iterator.next() else { return false }
                group.addTask { try await self.send(ofProfile, shared: shared, received: received[ofProfile[0].profileKey ?? ""] ?? [:]) }
                running += 1
                return true
            }
            while running < max(1, settings.concurrency), next() {}
            while running > 0, let finished = try await group.next() {
                // The lease task returns only when cancelled; every other task is a group.
                running -= 1
                records += finished
                _ = next()
            }
            group.cancelAll()
            return records
        }
        for record in results {
            switch record.action {
            case .recordSent: counts.sent += 1
            case .recordExcluded: counts.excluded += 1
            case .reschedule: counts.rescheduled += 1
            case .recordFailed: counts.failed += 1
            case .recordExpired: counts.expired += 1
            case .send: break
            }
        }
        // An activity's letters go to the print vendor together, once none is left to decide.
        let letters = Set(batch.filter { $0.channel == .directMail }.map { ExtractKey(campaign: $0.campaign, execution: $0.execution, activity: $0.activity) })
        if !letters.isEmpty {
            let delivered = try await finishExtracts(candidates: letters)
            counts.extracts = delivered.records.count
            counts.extractProblems = delivered.problems
        }
        return counts
    }

    /// Delivers the extracts of direct-mail activities that have nothing left to decide: those
    /// of `candidates`, or all of them when nil (at start, to finish what a crash interrupted).
    public func finishExtracts(candidates: Set<ExtractKey>? = nil, now: Int64 = Int64(Date().timeIntervalSince1970)) async throws -> (records: [ExtractRecord], problems: [String]) {
        var records: [ExtractRecord] = []
        var problems: [String] = []
        for key in try await messages.extractsDue(candidates: candidates) {
            guard let plan = try await plan(key.execution), let activity = plan.activities[key.activity] else { continue }
            guard let providerName = activity.provider ?? settings.defaultProviders[.directMail], let transport = transports[providerName] as? any ExtractTransport else { continue }
            let rows = try await messages.extractRows(execution: key.execution, activity: key.activity)
            let columns = rows.first?.columns ?? Self.extractColumns(activity)
            let extract = Extract(campaign: key.campaign, execution: key.execution, activity: key.activity, columns: columns, rows: rows.map(\.values))
            do {
                let location = try await transport.deliver(extract)
                let record = ExtractRecord(execution: key.execution, activity: key.activity, provider: providerName, location: location, rows: rows.count, writtenAt: now)
                try await messages.recordExtract(record)
                records.append(record)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                // The letters stay recorded; the next pass tries the file again.
                problems.append("extract of \(key.campaign) execution \(key.execution) activity \(key.activity): \(error)")
            }
        }
        return (records, problems)
    }

    /// An extract's columns: the message id, the address, the activity's fields, its content parts.
    static func extractColumns(_ activity: ActivityPlan) -> [String] {
        ["message_id"] + (activity.postal?.extractColumns ?? []) + activity.fields + activity.content.keys.sorted()
    }

    /// A letter's row: the address as normalised for the vendor, then the activity's fields and
    /// the rendered content parts.
    static func extractRow(_ message: OutboxMessage, _ rendered: RenderedMessage, address: PostalAddress, activity: ActivityPlan) -> ExtractRow {
        var values = [message.id] + (activity.postal?.extractValues(address) ?? [])
        let payload = (try? JSONSerialization.jsonObject(with: Data(message.payload.utf8))) as? [String: Any] ?? [:]
        for field in activity.fields {
            switch payload[field] {
            case nil, is NSNull: values.append("")
            case let text as String: values.append(text)
            case let number as NSNumber: values.append(number.stringValue)
            case let other?: values.append((try? JSONSerialization.data(withJSONObject: other, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? "")
            }
        }
        for part in activity.content.keys.sorted() { values.append(rendered.parts[part] ?? "") }
        return ExtractRow(columns: extractColumns(activity), values: values)
    }

    /// Sends a profile's messages of the batch in order, recording each as soon as it is known.
    func send(_ group: [OutboxMessage], shared: BatchContext, received: [Channel: [Int64]]) async throws -> [DispatchRecord] {
        var received = received
        var records: [DispatchRecord] = []
        for message in group {
            let now = Int64(Date().timeIntervalSince1970)
            let plan = shared.plans[message.execution]
            let activity = plan?.activities[message.activity]
            var machine = DispatchMachine(attempt: message.attempt, retry: settings.retry, expiresAt: message.expiresAt, interrupted: message.interrupted)
            let profile = message.profileKey.flatMap { shared.profiles[$0] } ?? [:]
            let timeZone = profile[settings.timeZoneField]?.text.flatMap(TimeZone.init(identifier:)) ?? TimeZone(identifier: "UTC")!
            let rules = activity.flatMap { settings.ruleSets[$0.rules] } ?? settings.ruleSets["default"] ?? .standard
            var state = RecipientState(received: received, timeZone: timeZone)
            let purpose = activity?.purpose ?? "marketing"
            if let key = message.profileKey { state.consent = shared.consent["\(message.channel.rawValue)/\(purpose)"]?[key] }
            if let field = rules.consentFields[message.channel], case .boolean(let flag)? = profile[field] { state.consentField = flag }
            if let address = message.address { state.suppression = shared.suppression[message.channel]?[SuppressionEntry.normalized(address, channel: message.channel)] }
            var message = message
            var addressProblem: String?
            var addressReason = ExclusionReason.invalidAddress
            let providerName = activity?.provider ?? settings.routes[message.channel]?.provider(for: profile) ?? settings.defaultProviders[message.channel]
            let transport = providerName.flatMap { transports[$0] }
            var letterAddress: PostalAddress?
            if message.channel == .directMail, let postal = activity?.postal {
                // Read fresh: a letter goes to the address the profile has now, complete or not at all.
                let postalAddress = postal.address(of: profile)
                if let problem = postalAddress.completenessProblem(defaultCountry: nil) {
                    addressProblem = problem.description
                    addressReason = ExclusionReason.incompleteAddress
                } else {
                    letterAddress = postalAddress.normalized(defaultCountry: nil)
                }
            } else if let address = message.address, let transport, let problem = transport.addressProblem(address) {
                addressProblem = problem
            } else if message.channel == .sms, let address = message.address {
                // Phone numbers go out in E.164, national ones read in the profile's country.
                switch PhoneNumber.e164(address, defaultCountry: profile[settings.countryField]?.text) {
                case .success(let normalized): message.address = normalized
                case .failure(let problem): addressProblem = "\"\(address)\": \(problem.message)"
                }
            }
            let policy = PolicyMessage(channel: message.channel, category: message.category, address: message.address, expiresAt: message.expiresAt, window: activity?.window)

            var action: DispatchMachine.Action
            var segments: Int?
            var extractRow: ExtractRow?
            if plan == nil || activity == nil {
                action = .recordFailed(reason: ExclusionReason.rendering, detail: "the campaign version of execution \(message.execution) has no activity \"\(message.activity)\"", suppress: false)
            } else if let addressProblem {
                action = machine.policyDecided(.exclude(reason: addressReason, detail: addressProblem))
            } else if message.profileKey != nil && profile.isEmpty {
                action = machine.policyDecided(.exclude(reason: ExclusionReason.noProfile, detail: "the profile no longer exists"))
            } else {
                action = machine.policyDecided(SendPolicy.decide(policy, recipient: state, rules: rules, now: now))
            }
            if action == .send {
                if let providerName, let transport {
                    do {
                        let context = MessageContext(profile: profile, variables: plan?.variables ?? [:], locale: profile[settings.localeField]?.text, timeZone: timeZone.identifier, now: now)
                        let rendered = try renderer.render(message, content: activity?.content ?? [:], context: context)
                        if message.channel == .sms { segments = SMSSegments.count(rendered.parts["text"] ?? "").segments }
                        if let letterAddress, let activity { extractRow = Self.extractRow(message, rendered, address: letterAddress, activity: activity) }
                        var limits = [(name: "provider:\(providerName)", perSecond: settings.providerRates[providerName] ?? 0)]
                        if let perHour = activity?.throttlePerHour { limits.append((name: "activity:\(message.execution)/\(message.activity)", perSecond: Double(perHour) / 3600)) }
                        try await throttle.pass(limits)
                        // The attempt counts from here; a claim another worker took over is left alone.
                        guard try await messages.markSending(message.id, worker: settings.worker) else { continue }
                        let answer: DispatchMachine.ProviderAnswer
                        do {
                            answer = .accepted(providerID: try await transport.send(rendered))
                        } catch let failure as TransportFailure {
                            answer = failure.permanent ? .permanentFailure(failure.message, addressRejected: failure.addressRejected) : .temporaryFailure(failure.message)
                        } catch is CancellationError {
                            throw CancellationError()
                        } catch {
                            answer = .temporaryFailure("\(error)")
                        }
                        action = machine.providerAnswered(answer, now: Int64(Date().timeIntervalSince1970))
                    } catch is CancellationError {
                        throw CancellationError()
                    } catch {
                        action = machine.renderingFailed("\(error)")
                    }
                } else {
                    action = .recordFailed(reason: ExclusionReason.noProvider, detail: "no provider \"\(providerName ?? "")\" for \(message.channel.rawValue)", suppress: false)
                }
            }
            if let faultHook { await faultHook(message.id) }
            var record = DispatchRecord(id: message.id, action: action, provider: providerName)
            record.segments = segments
            if let extractRow {
                record.extractRow = extractRow
                record.extract = ExtractKey(campaign: message.campaign, execution: message.execution, activity: message.activity)
            }
            let landed = try await messages.record([record], worker: settings.worker, now: Int64(Date().timeIntervalSince1970))
            if case .recordFailed(_, let detail, true) = action, let address = message.address {
                try await messages.suppress([SuppressionEntry(channel: message.channel, address: address, reason: "hard_bounce", detail: detail, createdAt: now)])
            }
            if case .recordSent = action { received[message.channel, default: []].append(now) }
            if landed { records.append(record) }
        }
        return records
    }

    // MARK: Plans

    /// The parts of an execution's campaign version that sending needs.
    struct ExecutionPlan: Sendable {
        var variables: [String: String]
        var activities: [String: ActivityPlan]
    }

    struct ActivityPlan: Sendable {
        var content: [String: String]
        var rules: String
        var purpose: String
        var provider: String?
        var window: (from: LocalTime, until: LocalTime)?
        var throttlePerHour: Int?
        /// The activity's template fields in the order it lists them (extract columns).
        var fields: [String] = []
        /// Direct mail: the profile fields of the postal address, resolved.
        var postal: PostalFields?
    }

    struct BatchContext: Sendable {
        var plans: [Int64: ExecutionPlan]
        var profiles: [String: [String: Value]]
        var consent: [String: [String: ConsentStatus]]
        var suppression: [Channel: [String: SuppressionEntry]]
    }

    func plan(_ id: Int64) async throws -> ExecutionPlan? {
        guard let execution = try await campaigns.execution(id), let campaign = try await campaigns.campaign(named: execution.campaign, version: execution.version) else { return nil }
        let definition = try campaign.definition()
        var variables: [String: String] = [:]
        for variable in definition.variables { variables[variable.name] = variable.defaultValue }
        variables.merge(execution.variables) { $1 }
        var activities: [String: ActivityPlan] = [:]
        for activity in definition.activities {
            guard case .channel(let channel, let options) = activity.kind else { continue }
            var window: (from: LocalTime, until: LocalTime)?
            if let spec = options.window, let from = LocalTime(spec.from), let until = LocalTime(spec.until) { window = (from, until) }
            var activityPlan = ActivityPlan(content: options.content ?? [:], rules: options.rules ?? "default", purpose: options.purpose ?? "marketing", provider: options.provider, window: window, throttlePerHour: options.throttle)
            activityPlan.fields = options.fields ?? []
            if channel == .directMail, let profile = messages.profile {
                activityPlan.postal = try? PostalFields.resolve(options.postal, profile: profile)
            }
            activities[activity.name] = activityPlan
        }
        return ExecutionPlan(variables: variables, activities: activities)
    }
}
