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
 */
@FunctionalInterface
public interface TransactionalHandler<Q extends Message, R extends Message> {

  R handle(Q request, CallContext context, Connection store) throws SQLException;
}
