import CrescendoApp
import Foundation
import Testing

/// The campaign graph as `crescendo campaign status` draws it. Counts are all different so each
/// can be found in the output and counted.
@Suite struct CampaignDrawingTests {
    typealias Node = CampaignDrawing.Node
    typealias Edge = CampaignDrawing.Edge

    static let linear = CampaignDrawing(
        nodes: [
            Node(name: "audience", kind: "build-audience", state: "done", detail: "12 403 rows, 1.2 s"),
            Node(name: "dedupe", kind: "deduplicate", state: "running"),
            Node(name: "mail", kind: "email", state: "pending"),
        ],
        edges: [
            Edge(from: "dedupe", to: "mail"),
            Edge(from: "audience", to: "dedupe", count: 12_403),
        ]
    )

    /// A split with three subsets and the complement; two subsets meet again in a fork/and-join.
    static let forkSplit = CampaignDrawing(
        nodes: [
            Node(name: "audience", kind: "build-audience", state: "done", detail: "40 000 rows, 0.8 s"),
            Node(name: "split", kind: "split", state: "done"),
            Node(name: "fork", kind: "fork", state: "done"),
            Node(name: "email", kind: "email", state: "done", detail: "11 000 sent"),
            Node(name: "sms", kind: "sms", state: "failed", detail: "gateway refused"),
            Node(name: "both", kind: "and-join", state: "waiting", detail: "waits until 2026-12-01 09:00"),
            Node(name: "vip-call", kind: "call-list", state: "running"),
            Node(name: "seniors", kind: "email", state: "skipped"),
            Node(name: "holdout", kind: "end", state: "done"),
            Node(name: "report", kind: "end", state: "pending"),
        ],
        edges: [
            Edge(from: "split", output: "complement", to: "holdout", count: 7_777),
            Edge(from: "audience", to: "split", count: 40_000),
            Edge(from: "split", output: "young", to: "fork", count: 22_000),
            Edge(from: "split", output: "vip", to: "vip-call", count: 950),
            Edge(from: "split", output: "senior", to: "seniors", count: 9_273),
            Edge(from: "fork", output: "a", to: "email", count: 21_999),
            Edge(from: "fork", output: "b", to: "sms", count: 21_998),
            Edge(from: "email", to: "both", count: 11_000),
            Edge(from: "sms", to: "both"),
            Edge(from: "both", to: "report"),
            Edge(from: "vip-call", to: "report"),
        ]
    )

    static func show(_ lines: [String]) -> String { lines.joined(separator: "\n") }

    @Test func linearGraphIsThreeBoxesAndTwoEdges() {
        let lines = Self.linear.render(width: 60)
        #expect(lines == [
            "┌ audience · build-audience ┐",
            "└ done · 12 403 rows, 1.2 s ┘",
            "  audience ──→ dedupe   12 403",
            "┌ dedupe · deduplicate ┐",
            "└ running              ┘",
            "  dedupe ──→ mail            –",
            "┌ mail · email ┐",
            "└ pending      ┘",
        ], "\(Self.show(lines))")
    }

    @Test func forkSplitAndJoinKeepEveryEdgeReadable() {
        let lines = Self.forkSplit.render(width: 100)
        let text = Self.show(lines)
        // Layers follow the longest path: the join sits below both branches, the final end below it.
        func row(_ name: String) -> Int? { lines.firstIndex { $0.contains("┌ \(name) ·") } }
        #expect(row("audience")! < row("split")!, "\(text)")
        #expect(row("split")! < row("fork")!, "\(text)")
        #expect(row("fork")! < row("email")!, "\(text)")
        #expect(row("email") == row("sms"), "branches of a fork share a layer\n\(text)")
        #expect(row("email")! < row("both")!, "\(text)")
        #expect(row("both")! < row("report")!, "\(text)")
        for label in ["split ─[young]→ fork", "split ─[senior]→ seniors", "split ─[vip]→ vip-call",
                      "split ─[complement]→ holdout", "fork ─[a]→ email", "fork ─[b]→ sms",
                      "email ──→ both", "sms ──→ both", "both ──→ report", "vip-call ──→ report",
                      "audience ──→ split"] {
            #expect(lines.filter { $0.contains(label) }.count == 1, "\(label)\n\(text)")
        }
        #expect(!text.contains("[out]"), "the default output is not labelled")
        // The split's outputs are listed together, right under the split.
        let splitEdges = lines.indices.filter { lines[$0].hasPrefix("  split ") }
        #expect(splitEdges == Array(splitEdges[0]..<splitEdges[0] + 4), "\(text)")
        #expect(splitEdges[0] == row("split")! + 2, "\(text)")
    }

    @Test func edgeCountsAppearExactlyOnceInOneColumn() {
        let lines = Self.forkSplit.render(width: 100)
        for count in ["40 000", "22 000", "950", "9 273", "7 777", "21 999", "21 998", "11 000"] {
            let edgeLines = lines.filter { $0.hasPrefix("  ") && $0.hasSuffix(" " + count) }
            #expect(edgeLines.count == 1, "\(count)\n\(Self.show(lines))")
        }
        let edgeLines = lines.filter { $0.hasPrefix("  ") }
        #expect(edgeLines.count == Self.forkSplit.edges.count)
        #expect(Set(edgeLines.map(\.count)).count == 1, "counts end in one column\n\(Self.show(lines))")
        #expect(edgeLines.filter { $0.hasSuffix(" –") }.count == 3)
        // Counts no activity's detail repeats appear once in the whole drawing, not just once per edge line.
        let text = Self.show(lines)
        for count in ["22 000", "950", "9 273", "7 777", "21 999", "21 998"] {
            #expect(text.components(separatedBy: count).count - 1 == 1, "\(count)\n\(text)")
        }
    }

    @Test func edgeOrderDoesNotChangeTheDrawing() {
        let shuffled = CampaignDrawing(nodes: Self.forkSplit.nodes, edges: Self.forkSplit.edges.reversed())
        #expect(shuffled.render() == Self.forkSplit.render())
        #expect(Self.forkSplit.render() == Self.forkSplit.render())
    }

    @Test func cycleAndUnknownEndsDrawWithoutCrashing() {
        let drawing = CampaignDrawing(
            nodes: [
                Node(name: "a", kind: "x", state: "done"),
                Node(name: "b", kind: "x", state: "done"),
                Node(name: "c", kind: "x", state: "done"),
                Node(name: "a", kind: "duplicate", state: "done"),
            ],
            edges: [
                Edge(from: "a", to: "b", count: 1),
                Edge(from: "b", to: "c", count: 2),
                Edge(from: "c", to: "a", count: 3),
                Edge(from: "c", output: "loop", to: "c", count: 4),
                Edge(from: "b", to: "nowhere", count: 5),
                Edge(from: "ghost", to: "a", count: 6),
            ]
        )
        let lines = drawing.render()
        let text = Self.show(lines)
        #expect(text.components(separatedBy: "┌ ").count - 1 == 4, "every node drawn once, the duplicate too\n\(text)")
        #expect(lines.filter { $0.hasPrefix("  ") }.count == 6, "\(text)")
        #expect(text.contains("c ──→ a (cycle)"), "\(text)")
        #expect(text.contains("c ─[loop]→ c (cycle)"), "\(text)")
        #expect(text.contains("b ──→ nowhere (unknown)"), "\(text)")
        #expect(text.contains("ghost (unknown) ──→ a"), "\(text)")

        let ring = CampaignDrawing(
            nodes: [Node(name: "x", kind: "k", state: "s"), Node(name: "y", kind: "k", state: "s")],
            edges: [Edge(from: "x", to: "y"), Edge(from: "y", to: "x")]
        )
        #expect(ring.render().count == 6)
        #expect(CampaignDrawing(nodes: [], edges: []).render().isEmpty)
    }

    @Test func asciiModeHasOnlyAsciiBytes() {
        var drawing = Self.forkSplit
        drawing.nodes.append(Node(name: "café—crème", kind: "email", state: "pending", detail: "12\u{2009}403 rows"))
        drawing.edges.append(Edge(from: "report", to: "café—crème", count: 1_234_567))
        for width in [100, 30] {
            let lines = drawing.render(width: width, unicode: false, color: true)
            #expect(lines.allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } }, "\(Self.show(lines))")
            #expect(lines.contains { $0.contains("report --> cafe-creme") || width < 100 }, "\(Self.show(lines))")
            #expect(lines.contains { $0.contains("split -[vip]-> vip-call") || width < 100 }, "\(Self.show(lines))")
        }
    }

    @Test func longNamesAreTruncatedToTheWidth() {
        let long = String(repeating: "very-long-activity-name-", count: 6)
        let drawing = CampaignDrawing(
            nodes: [
                Node(name: long + "1", kind: "build-audience", state: "done", detail: String(repeating: "detail ", count: 20)),
                Node(name: long + "2", kind: "email", state: "running"),
                Node(name: "short", kind: "sms", state: "running"),
            ],
            edges: [
                Edge(from: long + "1", output: String(repeating: "output", count: 10), to: long + "2", count: 123_456_789),
                Edge(from: long + "1", to: "short", count: 3),
            ]
        )
        for width in [40, 60, 100] {
            for unicode in [true, false] {
                let lines = drawing.render(width: width, unicode: unicode)
                let text = Self.show(lines)
                #expect(lines.allSatisfy { $0.count <= width }, "\(width)\n\(text)")
                #expect(text.contains(unicode ? "…" : "~"), "\(text)")
                #expect(lines.filter { $0.hasSuffix(" 123 456 789") }.count == 1, "\(text)")
                #expect(lines.contains { $0.contains("short") }, "short names keep their room\n\(text)")
                #expect(lines.allSatisfy { !$0.hasSuffix(" ") }, "\(text)")
            }
        }
        // Narrower than any box: lines overflow, but every node and edge is still drawn.
        #expect(drawing.render(width: 0).count == 8)
    }

    @Test func coloursOnlyWhenAsked() {
        let plain = Self.forkSplit.render(color: false)
        #expect(plain.allSatisfy { !$0.utf8.contains(0x1B) })
        #expect(plain.allSatisfy { !$0.hasSuffix(" ") })

        let coloured = Self.forkSplit.render(color: true)
        let text = coloured.joined(separator: "\n")
        #expect(text.contains("\u{1B}[32mdone\u{1B}[0m"))
        #expect(text.contains("\u{1B}[33mrunning\u{1B}[0m"))
        #expect(text.contains("\u{1B}[33mwaiting\u{1B}[0m"))
        #expect(text.contains("\u{1B}[31mfailed\u{1B}[0m"))
        #expect(text.contains("\u{1B}[2mskipped\u{1B}[0m"))
        #expect(!text.contains("\u{1B}[32mpending") && !text.contains("\u{1B}[33mpending"))
        // Colour changes no width: stripping the codes gives the plain drawing back.
        let stripped = coloured.map { $0.replacingOccurrences(of: "\u{1B}\\[[0-9]+m", with: "", options: .regularExpression) }
        #expect(stripped == plain)
        // An escape code in a name is not passed through to the terminal.
        let hostile = CampaignDrawing(nodes: [Node(name: "x\u{1B}[2Jy", kind: "k", state: "done")], edges: [])
        #expect(hostile.render().allSatisfy { !$0.utf8.contains(0x1B) })
    }
}
