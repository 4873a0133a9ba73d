package dev.switchboard.platform.store;

import dev.switchboard.platform.config.StoreSettings;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * Tells every process on one PostgreSQL database that something changed, once it is committed:
 * PostgreSQL's {@code NOTIFY} sent inside the transaction that made the change ({@link #signal}),
 * heard by every process that {@code LISTEN}s ({@link #listen}) on one connection of its own, kept
 * apart from the pool by a thread of its own. A replica whose client waits for an order learns at
 * once that another replica ended it.
 *
 * <p>A signal is a hint, not a message: one sent while a listener's connection was down is lost, so
 * after reconnecting each listener is told it may have missed some ({@link Listener#missed}) and
 * reads what it watches again. The embedded H2 store belongs to one process, which sees its own
 * changes: there signals are neither sent nor heard.
 */
public final class StoreSignals {

  private static final Logger LOGGER = LoggerFactory.getLogger(StoreSignals.class);
  private static final Pattern CHANNEL = Pattern.compile("[a-z][a-z0-9_]{0,62}");
  private static final long WAIT_MS = 500;
  private static final long RECONNECT_MS = 1_000;

  /** Hears the signals of one channel, on the context it listened from. */
  public interface Listener {
    void signalled(String payload);

    /** The connection was lost and made again: signals sent meanwhile were missed. */
    void missed();
  }

  private record Registration(Listener listener, Context context) {
  }

  private final StoreSettings settings;
  private final Map<String, CopyOnWriteArrayList<Registration>> listeners = new ConcurrentHashMap<>();
  private volatile boolean closed;
  private Thread thread;

  StoreSignals(StoreSettings settings) {
    this.settings = settings;
  }

  /** Whether signals travel between processes here (PostgreSQL); with H2 there is no other process. */
  public boolean enabled() {
    return settings.postgres();
  }

  /**
   * Sends {@code payload} on {@code channel} when the transaction of {@code connection} commits (and
   * never if it rolls back). Call it from inside a piece of work; a no-op with H2.
   */
  public void signal(Connection connection, String channel, String payload) throws SQLException {
    if (!enabled()) {
      return;
    }
    try (PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
      notify.setString(1, checked(channel));
      notify.setString(2, payload);
      notify.execute();
    }
  }

  /**
   * Calls {@code listener} with every signal on {@code channel} from now on, on the calling context
   * (any process's, this one's included); a no-op with H2. Listening ends when the store closes.
   */
  public void listen(Vertx vertx, String channel, Listener listener) {
    if (!enabled()) {
      return;
    }
    listeners.computeIfAbsent(checked(channel), name -> new CopyOnWriteArrayList<>())
        .add(new Registration(listener, vertx.getOrCreateContext()));
    synchronized (this) {
      if (thread == null && !closed) {
        thread = new Thread(this::run, "switchboard-store-signals");
        thread.setDaemon(true);
        thread.start();
      }
    }
  }

  /** Stops listening; the thread ends within its wait. */
  void close() {
    closed = true;
  }

  private void run() {
    boolean connectedBefore = false;
    while (!closed) {
      try (Connection connection = connect()) {
        java.util.Set<String> listening = new java.util.HashSet<>();
        if (connectedBefore) {
          LOGGER.info("store signals: listening again on {}", settings.setting());
          listeners.values().forEach(registrations -> registrations.forEach(
              registration -> registration.context().runOnContext(v -> registration.listener().missed())));
        }
        connectedBefore = true;
        PGConnection postgres = connection.unwrap(PGConnection.class);
        while (!closed) {
          for (String channel : listeners.keySet()) {
            if (listening.add(channel)) {
              try (Statement listen = connection.createStatement()) {
                listen.execute("LISTEN " + channel);
              }
            }
          }
          PGNotification[] notifications = postgres.getNotifications((int) WAIT_MS);
          if (notifications != null) {
            for (PGNotification notification : notifications) {
              dispatch(notification.getName(), notification.getParameter());
            }
          }
        }
      } catch (SQLException | RuntimeException lost) {
        if (closed) {
          return;
        }
        LOGGER.warn("store signals: connection to {} lost ({}); connecting again in {} ms", settings.setting(),
            lost.getMessage(), RECONNECT_MS);
        try {
          Thread.sleep(RECONNECT_MS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private void dispatch(String channel, String payload) {
    CopyOnWriteArrayList<Registration> registrations = listeners.get(channel);
    if (registrations != null) {
      for (Registration registration : registrations) {
        registration.context().runOnContext(v -> registration.listener().signalled(payload));
      }
    }
  }

  private Connection connect() throws SQLException {
    Properties properties = new Properties();
    if (!settings.user().isEmpty()) {
      properties.setProperty("user", settings.user());
    }
    if (!settings.password().isEmpty()) {
      properties.setProperty("password", settings.password());
    }
    long seconds = Math.max(1, (settings.connectTimeoutMs() + 999) / 1000);
    properties.setProperty("connectTimeout", Long.toString(seconds));
    properties.setProperty("ApplicationName", "switchboard-signals");
    Connection connection = DriverManager.getConnection(settings.url().orElseThrow(), properties);
    connection.setAutoCommit(true);
    return connection;
  }

  private static String checked(String channel) {
    if (!CHANNEL.matcher(channel).matches()) {
      throw new IllegalArgumentException("channel " + channel + ": lower-case letters, digits and '_'");
    }
    return channel;
  }
}
