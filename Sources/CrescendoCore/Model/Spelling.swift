/// "Did you mean" suggestions for names a user mistyped.
public enum Spelling {
    /// The closest candidate within a small edit distance, or nil when nothing is close enough to help.
    public static func suggest(_ word: String, among candidates: some Sequence<String>) -> String? {
        let limit = max(1, word.count / 3)
        var best: (String, Int)?
        for candidate in candidates {
            let distance = editDistance(word.lowercased(), candidate.lowercased())
            if distance <= limit, distance < (best?.1 ?? .max) { best = (candidate, distance) }
        }
        return best?.0
    }

    /// Edit distance where swapping two neighbouring letters counts as one edit ("todya" is one
    /// edit from "today"), the commonest typing slip (optimal string alignment distance).
    /// " — did you mean "city"?" for the closest candidate, or "" when none is close: the tail
    /// every "unknown name" message in the project ends with.
    public static func hint(_ word: String, among candidates: some Sequence<String>, quote: String = "\"") -> String {
        suggest(word, among: candidates).map { " — did you mean \(quote)\($0)\(quote)?" } ?? ""
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var rows = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { rows[i][0] = i }
        for j in 0...b.count { rows[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
                }
            }
        }
        return rows[a.count][b.count]
    }
}
