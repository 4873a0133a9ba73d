package dev.switchboard.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A gRPC client that sends metadata exactly as given, control characters included: the clients we
 * ship (vert.x, grpc-js) refuse such values before sending, other clients need not. Plain Netty
 * HTTP/2 without header validation; one connection, one stream per call; unary calls only.
 */
public final class RawGrpcClient implements AutoCloseable {

  /**
   * How a call ended: its grpc-status (-1 when the stream was reset or ended without one), its
   * grpc-message (percent-decoded), and the messages the server sent (protobuf bytes).
   */
  public record Outcome(int status, String message, List<byte[]> messages) {
  }

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel connection;
  private final String authority;

  public RawGrpcClient(String host, int port) {
    this.authority = host + ":" + port;
    this.connection = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            channel.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
          }
        })
        .connect(host, port).syncUninterruptibly().channel();
  }

  /** One unary call of {@code path} with the (serialized protobuf) request and the metadata, unvalidated. */
  public CompletableFuture<Outcome> call(String path, byte[] request, List<Map.Entry<String, String>> metadata) {
    CompletableFuture<Outcome> done = new CompletableFuture<>();
    Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection).handler(new ChannelInboundHandlerAdapter() {
      private String status;
      private String message = "";
      private final ByteArrayOutputStream data = new ByteArrayOutputStream();

      @Override
      public void channelRead(ChannelHandlerContext context, Object frame) {
        try {
          if (frame instanceof Http2HeadersFrame headers) {
            CharSequence grpcStatus = headers.headers().get("grpc-status");
            if (grpcStatus != null) {
              status = grpcStatus.toString();
              CharSequence grpcMessage = headers.headers().get("grpc-message");
              message = grpcMessage == null ? "" : grpcMessage.toString();
            }
          } else if (frame instanceof Http2DataFrame body) {
            ByteBuf content = body.content();
            byte[] bytes = new byte[content.readableBytes()];
            content.readBytes(bytes);
            data.writeBytes(bytes);
          } else if (frame instanceof Http2ResetFrame reset) {
            done.complete(new Outcome(-1, "stream reset, error code " + reset.errorCode(), List.of()));
          }
          if (frame instanceof Http2StreamFrame && isEnd(frame)) {
            done.complete(status == null ? new Outcome(-1, "no grpc-status", List.of())
                : new Outcome(Integer.parseInt(status), QueryStringDecoder.decodeComponent(message),
                    messages(data.toByteArray())));
            context.close();
          }
        } finally {
          ReferenceCountUtil.release(frame);
        }
      }

      @Override
      public void channelInactive(ChannelHandlerContext context) {
        done.complete(new Outcome(-1, "stream closed without an answer", List.of()));
      }
    }).open().syncUninterruptibly().getNow();
    Http2Headers headers = new DefaultHttp2Headers(false)
        .method("POST").scheme("http").path(path).authority(authority);
    headers.set("content-type", "application/grpc");
    headers.set("te", "trailers");
    metadata.forEach(entry -> headers.add(entry.getKey(), entry.getValue()));
    stream.write(new DefaultHttp2HeadersFrame(headers));
    ByteBuf body = stream.alloc().buffer(5 + request.length).writeByte(0).writeInt(request.length).writeBytes(request);
    stream.writeAndFlush(new DefaultHttp2DataFrame(body, true));
    return done;
  }

  private static boolean isEnd(Object frame) {
    if (frame instanceof Http2HeadersFrame headers) {
      return headers.isEndStream();
    }
    return frame instanceof Http2DataFrame data && data.isEndStream();
  }

  /** The length-prefixed messages of a gRPC body. */
  private static List<byte[]> messages(byte[] body) {
    List<byte[]> messages = new ArrayList<>();
    ByteBuffer buffer = ByteBuffer.wrap(body);
    while (buffer.remaining() >= 5) {
      buffer.get(); // not compressed
      byte[] message = new byte[buffer.getInt()];
      buffer.get(message);
      messages.add(message);
    }
    return messages;
  }

  @Override
  public void close() {
    connection.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }
}
