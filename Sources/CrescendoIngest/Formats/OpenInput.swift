/// Opens a path for reading, transparently decompressing gzip.
///
/// Gzip is recognised by its magic bytes (1f 8b) rather than the file name, so misnamed files
/// and compressed standard input both work; the sniffed bytes are replayed, never lost.
/// - Parameters:
///   - path: a file path, or "-" for standard input.
///   - progress: counts the bytes read from the file itself (before decompression).
/// - Throws: ``InputError`` (``InputError/Code/unreadable``) if the path cannot be opened.
public func openInput(path: String, progress: ReadProgress? = nil) throws -> AnyByteSource {
    let file = path == "-" ? FileByteSource(standardInput: "<stdin>") : try FileByteSource(path: path)
    let name = file.name
    let counted = progress.map { AnyByteSource(CountingByteSource(base: file, progress: $0)) } ?? AnyByteSource(file)
    let peeked = try PeekedByteSource(base: counted, peeking: 2)
    if peeked.peeked == [0x1F, 0x8B] {
        return AnyByteSource(try GzipByteSource(base: peeked, name: name))
    }
    return AnyByteSource(peeked)
}

/// Opens a path and picks the reader for its format, so callers need only a path and, when the
/// name is uninformative, an explicit format.
/// - Parameters:
///   - path: a file path, or "-" for standard input.
///   - format: the format; nil infers it from the path (see ``InputFormat/infer(fromPath:)``).
///   - delimiter: CSV delimiter; nil means tab for `.tsv` paths and comma otherwise.
/// - Throws: ``InputError`` if the format is unknown or the input or its header cannot be read.
public func openReader(path: String, format: InputFormat? = nil, delimiter: UInt8? = nil) throws -> any RecordReader {
    guard let format = format ?? InputFormat.infer(fromPath: path) else {
        throw InputError(.unknownFormat, "cannot tell the format of '\(path)' from its name; specify csv or jsonl")
    }
    let source = try openInput(path: path)
    let name = path == "-" ? "<stdin>" : path
    switch format {
    case .csv:
        return try CSVReader(source: source, delimiter: delimiter ?? InputFormat.defaultDelimiter(forPath: path), name: name)
    case .jsonl:
        return try JSONLinesReader(source: source, name: name)
    }
}
