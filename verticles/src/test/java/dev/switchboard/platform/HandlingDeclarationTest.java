package dev.switchboard.platform;

import com.google.protobuf.StringValue;
import dev.switchboard.node.Blocking;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static dev.switchboard.platform.SwitchboardTest.ECHO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * An operation's declared {@link Handling} is what its handler is: serve refuses the other kind, so
 * that what the pre-flip check reads cannot drift from the code.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Serving an operation as it is declared")
class HandlingDeclarationTest {

  private static final TransactionalHandler<StringValue, StringValue> IN_STORE = (request, context, store) -> request;
  private static final OperationHandler<StringValue, StringValue> PLAIN =
      (request, context) -> Future.succeededFuture(request);

  @Test
  @DisplayName("an operation declared transactional is refused a plain handler, naming the operation")
  void transactionalNeedsTransactionalHandler(Vertx vertx) {
    Switchboard switchboard = SwitchboardTest.switchboard(vertx, Map.of());

    Throwable refused = catchThrowable(() -> Blocking.await(
        switchboard.serve(ECHO.handled(Handling.TRANSACTIONAL), PLAIN)));

    assertThat(refused).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("test.echo is declared transactional but served with a plain OperationHandler");
  }

  @Test
  @DisplayName("an operation not declared transactional is refused a TransactionalHandler, naming its kind")
  void plainRefusesTransactionalHandler(Vertx vertx) {
    Switchboard switchboard = SwitchboardTest.switchboard(vertx, Map.of());

    Throwable refused = catchThrowable(() -> Blocking.await(switchboard.serve(ECHO, IN_STORE)));
    Throwable idempotent = catchThrowable(() -> Blocking.await(
        switchboard.serve(ECHO.handled(Handling.IDEMPOTENT), IN_STORE)));

    assertThat(refused).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("test.echo is declared plain but served with a TransactionalHandler");
    assertThat(idempotent).hasMessageContaining("declared idempotent but served with a TransactionalHandler");
  }

  @Test
  @DisplayName("each kind is served by its own handler")
  void servedAsDeclared(Vertx vertx) {
    Switchboard switchboard = SwitchboardTest.switchboard(vertx, Map.of());

    Blocking.await(switchboard.serve(ECHO.handled(Handling.TRANSACTIONAL), IN_STORE));
    StringValue reply = Blocking.await(switchboard.call(ECHO, StringValue.of("hi"), CallContext.begin("c-1")));

    assertThat(reply.getValue()).isEqualTo("hi");
  }
}
