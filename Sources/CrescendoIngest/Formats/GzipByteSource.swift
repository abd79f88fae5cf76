import CompressNIO
import NIOCore

/// Inflates a gzip stream on the fly so compressed exports are ingested in constant memory,
/// without a temporary decompressed copy.
///
/// Concatenated gzip members (as produced by `cat a.gz b.gz` or parallel compressors) are read
/// as one continuous stream. A truncated or corrupt stream throws ``InputError`` with code
/// ``InputError/Code/corruptCompression``.
///
/// Built on CompressNIO's `ZlibDecompressor`, whose `inflate` reports "output full" and
/// "needs input" as errors and does not say when a member ended. This source infers the
/// member end from zlib's contract: once a member is complete, inflate makes no progress and
/// returns normally; mid-stream with no input it fails with `inputBufferOverflow`.
/// The decompressor is a reference type: use one source from one place, do not copy it.
public struct GzipByteSource<Base: ByteSource>: ByteSource {
    private var base: Base
    private let inflater: ZlibDecompressor
    private var input: ByteBuffer
    private var output: ByteBuffer
    private var baseAtEnd = false
    private var finished = false
    /// How the input is named in error messages.
    public let name: String

    /// - Parameters:
    ///   - base: the compressed bytes.
    ///   - name: the input's name for error messages (usually its path).
    public init(base: Base, name: String) throws {
        try self.init(base: base, name: name, inputChunkSize: 64 * 1024, outputChunkSize: 256 * 1024)
    }

    init(base: Base, name: String, inputChunkSize: Int, outputChunkSize: Int) throws {
        self.base = base
        self.name = name
        do {
            self.inflater = try ZlibDecompressor(algorithm: .gzip)
        } catch {
            throw InputError(.corruptCompression, "cannot start gzip decompression for '\(name)'", cause: error)
        }
        let allocator = ByteBufferAllocator()
        self.input = allocator.buffer(capacity: max(1, inputChunkSize))
        self.output = allocator.buffer(capacity: max(1, outputChunkSize))
    }

    /// Fills `buffer` with decompressed bytes, reading and inflating more input only when needed.
    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count > 0 else { return 0 }
        while true {
            if output.readableBytes > 0 {
                let n = min(buffer.count, output.readableBytes)
                output.withUnsafeReadableBytes { raw in
                    buffer.baseAddress!.copyMemory(from: raw.baseAddress!, byteCount: n)
                }
                output.moveReaderIndex(forwardBy: n)
                return n
            }
            if finished { return 0 }
            try step()
        }
    }

    /// One inflate call; afterwards there is output, or the stream has finished, or more input was read.
    private mutating func step() throws {
        output.clear()
        if input.readableBytes == 0 && !baseAtEnd {
            input.clear()
            let n = try input.writeWithUnsafeMutableBytes(minimumWritableBytes: 0) { raw in
                try base.read(into: raw)
            }
            if n == 0 { baseAtEnd = true }
        }
        let before = input.readableBytes
        do {
            try inflater.inflate(from: &input, to: &output)
        } catch let error as CompressNIOError where error == .bufferOverflow {
            // Output full; it is drained before the next step. No progress at all would loop forever.
            if output.readableBytes == 0 && input.readableBytes == before {
                throw InputError(.corruptCompression, "gzip input '\(name)' could not be decompressed (no progress)", cause: error)
            }
            return
        } catch let error as CompressNIOError where error == .inputBufferOverflow {
            // No progress without more input; at the end of the base that means truncation.
            if input.readableBytes == 0 && baseAtEnd {
                throw InputError(.corruptCompression, "gzip input '\(name)' is truncated (unexpected end of compressed data)")
            }
            return
        } catch let error as CompressNIOError where error == .corruptData {
            throw InputError(.corruptCompression, "gzip input '\(name)' is corrupt (invalid compressed data)", cause: error)
        } catch {
            throw InputError(.corruptCompression, "gzip input '\(name)' could not be decompressed", cause: error)
        }
        let consumed = before - input.readableBytes
        if output.readableBytes > 0 || consumed > 0 { return }
        // A normal return without progress only happens once the current member is complete.
        if input.readableBytes > 0 {
            do {
                try inflater.reset()  // another member follows
            } catch {
                throw InputError(.corruptCompression, "gzip input '\(name)' could not be decompressed", cause: error)
            }
        } else if baseAtEnd {
            finished = true
        }
    }
}
