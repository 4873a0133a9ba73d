package dev.switchboard.platform.config;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * The internal listener: where this process serves its rpc operations to the other processes of a
 * deployment, and how the gRPC transport reaches theirs. Apart from the public gRPC port, and
 * authenticated: every call carries the shared token ({@code internal.token}); optionally over TLS
 * ({@code internal.tls.keyFile} and {@code internal.tls.certFile}, PEM), mutual when a CA is given
 * ({@code internal.tls.caFile}: the listener then requires a client certificate signed by it, and
 * the transport presents this process's certificate and trusts only that CA).
 *
 * <p>Without a token the listener does not open at all, and a process whose operations use
 * transport {@code grpc} does not start: nothing inside the platform is callable without the token.
 *
 * @param host     {@code internal.host} (default 127.0.0.1)
 * @param port     {@code internal.port} (default 9091; 0 picks a free port, logged)
 * @param token    {@code internal.token}, empty when not set; never printed
 * @param keyFile  {@code internal.tls.keyFile}: this process's private key (PEM, PKCS#8)
 * @param certFile {@code internal.tls.certFile}: its certificate chain (PEM)
 * @param caFile   {@code internal.tls.caFile}: the CA that signs every process's certificate (PEM)
 */
public record InternalSettings(String host, int port, String token, Optional<Path> keyFile,
                               Optional<Path> certFile, Optional<Path> caFile) {

  public static final String HOST = "internal.host";
  public static final String PORT = "internal.port";
  public static final String TOKEN = "internal.token";
  public static final String KEY_FILE = "internal.tls.keyFile";
  public static final String CERT_FILE = "internal.tls.certFile";
  public static final String CA_FILE = "internal.tls.caFile";
  public static final Set<String> KEYS = Set.of(HOST, PORT, TOKEN, KEY_FILE, CERT_FILE, CA_FILE);
  public static final int DEFAULT_PORT = 9091;
  public static final int MIN_TOKEN_LENGTH = 16;
  private static final String MASK = "*****";

  public static InternalSettings from(Settings settings) {
    String token = settings.getString(TOKEN, "").trim();
    if (!token.isEmpty() && (token.length() < MIN_TOKEN_LENGTH || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
      throw new ConfigException(TOKEN, MASK, "at least " + MIN_TOKEN_LENGTH
          + " printable ASCII characters without spaces (it travels as gRPC metadata)");
    }
    Optional<Path> key = file(settings, KEY_FILE);
    Optional<Path> cert = file(settings, CERT_FILE);
    Optional<Path> ca = file(settings, CA_FILE);
    if (key.isPresent() != cert.isPresent()) {
      String missing = key.isPresent() ? CERT_FILE : KEY_FILE;
      throw new ConfigException(missing, "", "required with " + (key.isPresent() ? KEY_FILE : CERT_FILE)
          + ": TLS needs both the private key and the certificate (PEM files)");
    }
    if (ca.isPresent() && key.isEmpty()) {
      throw new ConfigException(CA_FILE, ca.get().toString(), "mutual TLS needs " + KEY_FILE + " and " + CERT_FILE
          + " as well (this process's own key and certificate)");
    }
    return new InternalSettings(settings.getString(HOST, "127.0.0.1").trim(),
        settings.getInt(PORT, DEFAULT_PORT, 0, 65_535), token, key, cert, ca);
  }

  private static Optional<Path> file(Settings settings, String key) {
    String value = settings.getString(key, "").trim();
    if (value.isEmpty()) {
      return Optional.empty();
    }
    Path path;
    try {
      path = Path.of(value).toAbsolutePath().normalize();
    } catch (InvalidPathException invalid) {
      throw new ConfigException(key, value, "a PEM file path (" + invalid.getReason() + ")");
    }
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw new ConfigException(key, value, "a readable PEM file; " + path + " is not one");
    }
    return Optional.of(path);
  }

  /** Whether the listener opens: only with a token, so that nothing inside is callable without one. */
  public boolean enabled() {
    return !token.isEmpty();
  }

  public boolean tls() {
    return certFile.isPresent();
  }

  public boolean mutualTls() {
    return caFile.isPresent();
  }

  /** Whether the listener is bound to a loopback address only (reachable from this machine alone). */
  public boolean loopback() {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
  }

  /** How the listener is protected, for the start-up log: never the token itself. */
  public String describe() {
    return "token required, " + (mutualTls() ? "mutual TLS" : tls() ? "TLS" : "no TLS");
  }

  @Override
  public String toString() {
    return "InternalSettings[host=" + host + ", port=" + port + ", token=" + (token.isEmpty() ? "(not set)" : MASK)
        + ", keyFile=" + keyFile.map(Path::toString).orElse("") + ", certFile=" + certFile.map(Path::toString).orElse("")
        + ", caFile=" + caFile.map(Path::toString).orElse("") + "]";
  }
}
