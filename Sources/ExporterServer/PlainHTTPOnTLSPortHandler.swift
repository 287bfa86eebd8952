import NIOCore

/// In front of the TLS handler: a client that speaks plain HTTP to the TLS port (a scrape config left at
/// `scheme: http`) gets Go's answer, `HTTP/1.0 400 Bad Request` saying "Client sent an HTTP request to an HTTPS
/// server.", instead of a handshake that fails without a word. Go tells it from the first five bytes, which cannot
/// start a TLS record; anything else goes to the TLS handler untouched, and this handler leaves the pipeline.
final class PlainHTTPOnTLSPortHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Go's `tlsRecordHeaderLooksLikeHTTP`.
    static let plainHTTPStarts: Set<[UInt8]> = Set(
        ["GET /", "HEAD ", "POST ", "PUT /", "OPTIO"].map { Array($0.utf8) }
    )
    static let answer = "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n"

    private var pending: ByteBuffer?
    private var decided = false

    init() {}

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        guard !decided else { return }
        if var earlier = pending {
            earlier.writeBuffer(&buffer)
            buffer = earlier
            pending = nil
        }
        guard let start = buffer.getBytes(at: buffer.readerIndex, length: 5) else {
            pending = buffer
            return
        }
        decided = true
        if Self.plainHTTPStarts.contains(start) {
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: Self.answer)))
                .whenComplete { _ in channel.close(promise: nil) }
            return
        }
        context.fireChannelRead(wrapInboundOut(buffer))
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
