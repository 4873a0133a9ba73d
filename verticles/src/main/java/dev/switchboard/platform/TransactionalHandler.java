package dev.switchboard.platform;

import com.google.protobuf.Message;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A handler whose effect is a change to the platform's store. It runs inside one transaction on the
 * store's thread (never an event loop), and in event mode the platform records the message as
 * processed in that same transaction: a redelivery after a crash finds either the effect and its
 * record, or neither. Throw an {@link OperationException} to refuse the request; the transaction
 * is then rolled back.
 * <p>
 * A message handled before is refused in its transaction, and what the handler changed is rolled
 * back with it; on H2 the handler may run before the refusal (see
 * {@link dev.switchboard.platform.store.ProcessedMessages#handleOnce}), so it changes nothing outside
 * the transaction it is given.
 */
@FunctionalInterface
public interface TransactionalHandler<Q extends Message, R extends Message> {

  R handle(Q request, CallContext context, Connection store) throws SQLException;
}
