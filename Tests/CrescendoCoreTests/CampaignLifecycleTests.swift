import Testing

@testable import CrescendoCore

/// The lifecycle's transition table, cell by cell.
@Suite struct CampaignLifecycleTests {
    /// Every allowed move; every (state, event) pair not listed must be refused.
    static let allowed: [CampaignState: [CampaignEvent: CampaignState]] = [
        .draft: [.edit: .draft, .publishScheduled: .scheduled, .publishAndStart: .live, .archive: .archived],
        .scheduled: [.launch: .live, .pause: .paused, .stop: .stopped],
        .live: [.launch: .live, .executionFinishedMore: .scheduled, .executionFinishedLast: .completed, .pause: .paused, .stop: .stopped],
        .paused: [.resume: .scheduled, .stop: .stopped, .executionFinishedMore: .paused, .executionFinishedLast: .paused],
        .completed: [.close: .closed, .archive: .archived],
        .stopped: [.close: .closed, .archive: .archived, .executionFinishedMore: .stopped, .executionFinishedLast: .stopped],
        .closed: [.archive: .archived],
        .archived: [:],
    ]

    @Test(arguments: CampaignState.allCases)
    func everyCellOfTheTable(state: CampaignState) {
        for event in CampaignEvent.allCases {
            let result = CampaignLifecycle.next(state, event)
            if let expected = Self.allowed[state]?[event] {
                #expect(result == .success(expected), "\(state) + \(event)")
            } else {
                guard case .failure(let refusal) = result else {
                    Issue.record("\(state) + \(event) was allowed: \(result)")
                    continue
                }
                #expect(refusal.description.hasPrefix("cannot \(event.rawValue) a campaign that is \(state.rawValue): "))
            }
        }
    }

    @Test func aCampaignsLifeFromDraftToArchive() throws {
        var lifecycle = CampaignLifecycle()
        try lifecycle.apply(.edit)
        try lifecycle.apply(.publishScheduled)
        #expect(throws: CrescendoError.self) { try lifecycle.apply(.edit) }
        try lifecycle.apply(.launch)
        try lifecycle.apply(.pause)
        #expect(throws: CrescendoError.self) { try lifecycle.apply(.launch) }
        try lifecycle.apply(.resume)
        try lifecycle.apply(.launch)
        try lifecycle.apply(.executionFinishedLast)
        #expect(lifecycle.state == .completed)
        #expect(lifecycle.state.isFinal)
        try lifecycle.apply(.close)
        try lifecycle.apply(.archive)
        #expect(lifecycle.state == .archived)
        do {
            try lifecycle.apply(.archive)
            Issue.record("archived twice")
        } catch {
            #expect(error.message == "cannot archive a campaign that is archived: it is already archived")
        }
    }

    @Test func publishedStatesAreReadOnly() {
        for state in CampaignState.allCases {
            #expect(state.isPublished == (state != .draft))
            #expect((try? CampaignLifecycle.next(state, .edit).get()) == (state == .draft ? .draft : nil))
        }
    }
}
