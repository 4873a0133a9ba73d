package dev.switchboard.node;

import dev.switchboard.platform.config.ConfigException;
import dev.switchboard.platform.config.Settings;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * This process's name among the replicas, {@code instance.id}: the {@code instance} tag of every
 * metric, the {@code X-Switchboard-Instance} header and {@code GET /instance} of the management port,
 * and a field of every log line {@code serve} writes. Stable across restarts when set, or when it
 * defaults to {@code <host>:<http.port>}; with {@code http.port} 0 (a free port, as in tests) the
 * default is {@code <host>-<pid>}, unique on the machine but new at each start.
 */
public final class InstanceId {

  public static final String KEY = "instance.id";
  public static final int MAX_LENGTH = 64;
  private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0," + (MAX_LENGTH - 1) + "}");
  private static final String RULE = "1 to " + MAX_LENGTH + " characters of letters, digits, '.', '_', ':' and '-', "
      + "starting with a letter or a digit (it is a metric tag, a log field and an HTTP header value); "
      + "leave it unset for <host>:<http.port>";

  private InstanceId() {
  }

  /** {@code instance.id} as set, validated; else the default for {@code httpPort}. */
  public static String from(Settings settings, int httpPort) {
    if (!settings.has(KEY)) {
      return defaultFor(httpPort);
    }
    String value = settings.getString(KEY, "").trim();
    if (!ALLOWED.matcher(value).matches()) {
      throw new ConfigException(KEY, value, RULE);
    }
    return value;
  }

  /** {@code <host>:<httpPort>}, or {@code <host>-<pid>} when the port is 0 (picked when it listens). */
  static String defaultFor(int httpPort) {
    String suffix = httpPort == 0 ? "-" + ProcessHandle.current().pid() : ":" + httpPort;
    String host = LocalHost.NAME;
    return host.substring(0, Math.min(host.length(), MAX_LENGTH - suffix.length())) + suffix;
  }

  /** The host's name, looked up once per JVM: {@code HOSTNAME} (set in containers), else the resolver's. */
  private static final class LocalHost {
    static final String NAME = sanitized(lookUp());

    private static String lookUp() {
      String fromEnvironment = System.getenv("HOSTNAME");
      if (fromEnvironment != null && !fromEnvironment.isBlank()) {
        return fromEnvironment;
      }
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException unknown) {
        return "localhost";
      }
    }

    private static String sanitized(String host) {
      String cleaned = host.trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-").replaceAll("^[^a-z0-9]+", "");
      return cleaned.isEmpty() ? "localhost" : cleaned;
    }
  }
}
