import Foundation

/// A campaign's graph as lines of text, for `crescendo campaign status`: each activity as a small
/// box with its state, then the transitions leaving it with the rows that crossed them.
///
/// Laid out in layers (longest path from the starts) rather than placed freely: a terminal has
/// no room for crossing lines, and a list of `from → to` lines under each layer stays readable
/// however many forks, joins and split outputs there are, because every edge names both ends.
/// The value does no I/O, so the command decides whether the terminal gets Unicode and colours.
public struct CampaignDrawing: Sendable {
    public struct Node: Sendable, Hashable {
        public var name: String
        public var kind: String
        public var state: String
        /// What the state amounts to, e.g. "12 403 rows, 1.2 s" or "waits until 2026-12-01 09:00".
        public var detail: String?

        public init(name: String, kind: String, state: String, detail: String? = nil) {
            self.name = name
            self.kind = kind
            self.state = state
            self.detail = detail
        }
    }

    public struct Edge: Sendable, Hashable {
        public var from: String
        public var output: String
        public var to: String
        /// Rows that crossed the transition; nil until the source activity has run.
        public var count: Int?

        public init(from: String, output: String = "out", to: String, count: Int? = nil) {
            self.from = from
            self.output = output
            self.to = to
            self.count = count
        }
    }

    public var nodes: [Node]
    public var edges: [Edge]

    public init(nodes: [Node], edges: [Edge]) {
        self.nodes = nodes
        self.edges = edges
    }

    /// Lines of text, no trailing spaces. `unicode: false` draws with ASCII only; `color: true`
    /// adds ANSI colours to states (done green, running/waiting yellow, failed red, skipped dim),
    /// never when false. The same nodes and edges give the same lines whatever order the edges
    /// come in. Too narrow a `width` for even one-character names makes lines overflow rather
    /// than leave an activity or a transition out.
    public func render(width: Int = 100, unicode: Bool = true, color: Bool = false) -> [String] {
        guard !nodes.isEmpty || !edges.isEmpty else { return [] }
        let glyphs = unicode ? Glyphs.unicode : Glyphs.ascii
        let clean: (String) -> String = { Self.clean($0, ascii: !unicode) }
        let layout = Layout(nodes: nodes, edges: edges)

        // Every edge line shares one count column, so the numbers line up down the whole drawing.
        let drawn = layout.edgeGroups.joined().map { EdgeLine(edges[$0], layout: layout, glyphs: glyphs, clean: clean) }
        let countWidth = drawn.map(\.count.count).max() ?? 0
        let naturalLeft = drawn.map(\.naturalWidth).max() ?? 0
        let countEnd = min(width, naturalLeft + EdgeLine.gap + countWidth)
        var lines: [Line] = []
        var next = drawn.makeIterator()
        for (position, layer) in layout.layers.enumerated() {
            let boxes = layer.map { Box(nodes[$0], width: width, glyphs: glyphs, clean: clean) }
            lines += Box.pack(boxes, width: width)
            for _ in layout.edgeGroups[position] {
                lines.append(next.next()!.line(countEnd: countEnd, countWidth: countWidth))
            }
        }
        // Transitions from an activity that does not exist have no layer to hang under.
        while let edge = next.next() {
            lines.append(edge.line(countEnd: countEnd, countWidth: countWidth))
        }
        return lines.map { $0.text(color: color) }
    }

    // MARK: - Layout

    /// Layers by longest path from the sources, and which edges are drawn under which layer.
    /// Nodes are identified by position: a repeated name is drawn, but edges attach to the first.
    struct Layout {
        var index: [String: Int] = [:]
        var layer: [Int]
        /// Node positions per layer, in definition order.
        var layers: [[Int]]
        /// Edge positions drawn under each layer, plus one last group for unknown sources.
        var edgeGroups: [[Int]]

        init(nodes: [Node], edges: [Edge]) {
            for (position, node) in nodes.enumerated() where index[node.name] == nil {
                index[node.name] = position
            }
            var outgoing = Array(repeating: [Int](), count: nodes.count)
            var waiting = Array(repeating: 0, count: nodes.count)
            for edge in edges {
                guard let from = index[edge.from], let to = index[edge.to], from != to else { continue }
                outgoing[from].append(to)
                waiting[to] += 1
            }
            // Kahn's order, relaxing layers as it goes. When only cycles are left, the earliest
            // defined node left is placed anyway and its remaining incoming edges become back
            // edges, so a broken graph still draws every node once.
            var layer = Array(repeating: 0, count: nodes.count)
            var placed = Array(repeating: false, count: nodes.count)
            var ready = (0..<nodes.count).filter { waiting[$0] == 0 }
            var left = nodes.count
            while left > 0 {
                let node: Int
                if let first = ready.min() {
                    ready.removeAll { $0 == first }
                    node = first
                } else {
                    node = placed.firstIndex(of: false)!
                }
                guard !placed[node] else { continue }
                placed[node] = true
                left -= 1
                for target in outgoing[node] where !placed[target] {
                    layer[target] = max(layer[target], layer[node] + 1)
                    waiting[target] -= 1
                    if waiting[target] == 0 { ready.append(target) }
                }
            }
            self.layer = layer
            let depth = (layer.max() ?? -1) + 1
            layers = Array(repeating: [], count: depth)
            for position in nodes.indices { layers[layer[position]].append(position) }

            edgeGroups = Array(repeating: [], count: depth + 1)
            for (position, edge) in edges.enumerated() {
                edgeGroups[index[edge.from].map { layer[$0] } ?? depth].append(position)
            }
            // Sorted on content, not on input order: by source, then nearest target first, so a
            // split's outputs read in the order their branches appear below.
            let index = self.index
            let key: (Edge) -> (Int, Int, Int) = { edge in
                let target = index[edge.to]
                return (index[edge.from] ?? Int.max, target.map { layer[$0] } ?? Int.max, target ?? Int.max)
            }
            edgeGroups = edgeGroups.map { group in
                group.sorted { a, b in
                    let (left, right) = (edges[a], edges[b])
                    let (keyLeft, keyRight) = (key(left), key(right))
                    if keyLeft != keyRight { return keyLeft < keyRight }
                    return (left.from, left.output, left.to, left.count ?? -1, a)
                        < (right.from, right.output, right.to, right.count ?? -1, b)
                }
            }
        }
    }

    // MARK: - Pieces of text

    struct Glyphs {
        var topLeft, topRight, bottomLeft, bottomRight: String
        var separator: String
        var plainArrow: String
        var labelOpen, labelClose: String
        var ellipsis: String
        var none: String

        static let unicode = Glyphs(
            topLeft: "┌ ", topRight: " ┐", bottomLeft: "└ ", bottomRight: " ┘", separator: " · ",
            plainArrow: " ──→ ", labelOpen: " ─[", labelClose: "]→ ", ellipsis: "…", none: "–")
        static let ascii = Glyphs(
            topLeft: "+ ", topRight: " +", bottomLeft: "+ ", bottomRight: " +", separator: " | ",
            plainArrow: " --> ", labelOpen: " -[", labelClose: "]-> ", ellipsis: "~", none: "-")
    }

    enum Tone {
        case good, busy, bad, muted

        init?(state: String) {
            switch state.lowercased() {
            case "done": self = .good
            case "running", "waiting": self = .busy
            case "failed": self = .bad
            case "skipped": self = .muted
            default: return nil
            }
        }

        var code: String {
            switch self {
            case .good: "\u{1B}[32m"
            case .busy: "\u{1B}[33m"
            case .bad: "\u{1B}[31m"
            case .muted: "\u{1B}[2m"
            }
        }
    }

    /// Text with some pieces coloured; widths count characters, never escape codes.
    struct Line {
        var pieces: [(text: String, tone: Tone?)] = []
        var width = 0

        mutating func append(_ text: String, _ tone: Tone? = nil) {
            pieces.append((text, tone))
            width += text.count
        }

        mutating func append(_ other: Line) {
            pieces += other.pieces
            width += other.width
        }

        func text(color: Bool) -> String {
            var result = pieces.map { piece in
                guard color, let tone = piece.tone, !piece.text.isEmpty else { return piece.text }
                return tone.code + piece.text + "\u{1B}[0m"
            }.joined()
            while result.hasSuffix(" ") { result.removeLast() }
            return result
        }
    }

    /// One activity: name and kind on top, state and detail below, padded to the same width so
    /// the corners line up.
    struct Box {
        var top = Line()
        var bottom = Line()
        var width: Int { top.width }

        init(_ node: Node, width: Int, glyphs: Glyphs, clean: (String) -> String) {
            let budget = width - glyphs.topLeft.count - glyphs.topRight.count
            let name = clean(node.name), kind = clean(node.kind), state = clean(node.state)
            let label = kind.isEmpty
                ? fit([name], budget: budget, ellipsis: glyphs.ellipsis)
                : fit([name, kind], budget: budget - glyphs.separator.count, ellipsis: glyphs.ellipsis)
            let labelText = label.joined(separator: glyphs.separator)
            var status: [String]
            if let detail = node.detail.map(clean), !detail.isEmpty {
                status = state.isEmpty
                    ? ["", fit([detail], budget: budget, ellipsis: glyphs.ellipsis)[0]]
                    : fit([state, detail], budget: budget - glyphs.separator.count, ellipsis: glyphs.ellipsis)
            } else {
                status = fit([state], budget: budget, ellipsis: glyphs.ellipsis)
            }
            let statusWidth = status.map(\.count).reduce(0, +) + (status.count == 2 && !status[0].isEmpty ? glyphs.separator.count : 0)
            let inner = max(labelText.count, statusWidth)

            top.append(glyphs.topLeft + labelText + String(repeating: " ", count: inner - labelText.count) + glyphs.topRight)
            bottom.append(glyphs.bottomLeft)
            bottom.append(status[0], Tone(state: state))
            if status.count == 2 {
                bottom.append((status[0].isEmpty ? "" : glyphs.separator) + status[1])
            }
            bottom.append(String(repeating: " ", count: inner - statusWidth) + glyphs.bottomRight)
        }

        static let gap = "   "

        /// A layer's boxes side by side, since they run in parallel, wrapping when the row is full.
        static func pack(_ boxes: [Box], width: Int) -> [Line] {
            var lines: [Line] = []
            var row: [Box] = []
            var rowWidth = 0
            func flush() {
                guard !row.isEmpty else { return }
                var top = Line(), bottom = Line()
                for (position, box) in row.enumerated() {
                    if position > 0 {
                        top.append(gap)
                        bottom.append(gap)
                    }
                    top.append(box.top)
                    bottom.append(box.bottom)
                }
                lines += [top, bottom]
                row = []
                rowWidth = 0
            }
            for box in boxes {
                if !row.isEmpty, rowWidth + gap.count + box.width > width { flush() }
                rowWidth += (row.isEmpty ? 0 : gap.count) + box.width
                row.append(box)
            }
            flush()
            return lines
        }
    }

    /// One transition: `from ─[output]→ to` then its count, right-aligned in the shared column.
    struct EdgeLine {
        static let indent = "  "
        static let gap = 3

        var from: String
        var output: String?
        var to: String
        /// Said after a name and never shortened: why this edge is not an ordinary downward one.
        var fromNote: String
        var toNote: String
        var count: String
        var glyphs: Glyphs

        init(_ edge: Edge, layout: Layout, glyphs: Glyphs, clean: (String) -> String) {
            from = clean(edge.from)
            output = edge.output == "out" || edge.output.isEmpty ? nil : clean(edge.output)
            to = clean(edge.to)
            let source = layout.index[edge.from], target = layout.index[edge.to]
            fromNote = source == nil ? " (unknown)" : ""
            if target == nil {
                toNote = " (unknown)"
            } else if let source, let target, layout.layer[target] <= layout.layer[source] {
                // Only a cycle points up or sideways; longest-path layers send every other edge down.
                toNote = " (cycle)"
            } else {
                toNote = ""
            }
            count = edge.count.map { Format.count($0).replacingOccurrences(of: ",", with: " ") } ?? glyphs.none
            self.glyphs = glyphs
        }

        private var fixedWidth: Int {
            Self.indent.count + fromNote.count + toNote.count
                + (output == nil ? glyphs.plainArrow.count : glyphs.labelOpen.count + glyphs.labelClose.count)
        }

        var naturalWidth: Int { fixedWidth + from.count + (output?.count ?? 0) + to.count }

        func line(countEnd: Int, countWidth: Int) -> Line {
            let budget = countEnd - countWidth - Self.gap - fixedWidth
            var text = Self.indent
            if let output {
                let names = fit([from, output, to], budget: budget, ellipsis: glyphs.ellipsis)
                text += names[0] + fromNote + glyphs.labelOpen + names[1] + glyphs.labelClose + names[2] + toNote
            } else {
                let names = fit([from, to], budget: budget, ellipsis: glyphs.ellipsis)
                text += names[0] + fromNote + glyphs.plainArrow + names[1] + toNote
            }
            let padding = max(Self.gap, countEnd - countWidth - text.count) + countWidth - count.count
            var line = Line()
            line.append(text + String(repeating: " ", count: padding) + count)
            return line
        }
    }

    /// Shortens the longest part first, one character at a time, until they fit `budget`, so a
    /// long name gives way before a short kind does. Parts never shrink below one character.
    static func fit(_ parts: [String], budget: Int, ellipsis: String) -> [String] {
        var lengths = parts.map { min($0.count, max(budget, 1)) }
        while lengths.reduce(0, +) > budget {
            // The first of the longest, so ties shorten the same part every time.
            let longest = lengths.indices.reduce(0) { lengths[$1] > lengths[$0] ? $1 : $0 }
            guard lengths[longest] > 1 else { break }
            lengths[longest] -= 1
        }
        return zip(parts, lengths).map { part, length in
            part.count <= length ? part : String(part.prefix(length - ellipsis.count)) + ellipsis
        }
    }

    /// Names come from campaign files, so they may hold line breaks or escape codes that would
    /// break the layout or drive the terminal; in ASCII mode accents are dropped as well.
    static func clean(_ text: String, ascii: Bool) -> String {
        let source = ascii ? text.folding(options: .diacriticInsensitive, locale: nil) : text
        var result = ""
        for character in source {
            if character.isNewline || character == "\t" {
                result.append(" ")
            } else if character.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                result.append("?")
            } else if ascii, !character.isASCII {
                if character.isWhitespace {
                    result.append(" ")
                } else if character.unicodeScalars.first?.properties.generalCategory == .dashPunctuation {
                    result.append("-")
                } else {
                    result.append("?")
                }
            } else {
                result.append(character)
            }
        }
        return result
    }
}
