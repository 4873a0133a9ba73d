package dev.switchboard.node;

import dev.switchboard.platform.config.ConfigException;
import dev.switchboard.platform.config.Settings;
import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the configuration in layers, the later one wins: the file (YAML or JSON, through
 * vertx-config), then {@code SWITCHBOARD_SET} from the environment, then {@code --set} options.
 * Without {@code --config}, {@code config/switchboard.yaml} is read from the working directory, or
 * the copy built into the jar.
 */
public final class ConfigLoader {

  public static final String DEFAULT_FILE = "config/switchboard.yaml";
  public static final String ENV_FILE = "SWITCHBOARD_CONFIG";
  public static final String ENV_SET = "SWITCHBOARD_SET";

  private ConfigLoader() {
  }

  /** Reads the file named by {@code --config}, or the default file when {@code file} is null. */
  public static Future<Settings> readFile(Vertx vertx, String file) {
    if (file != null && !Files.isRegularFile(Path.of(file))) {
      return Future.failedFuture(new ConfigException("--config", file, "no such file"));
    }
    return read(vertx, file == null ? DEFAULT_FILE : file);
  }

  /** Reads a file from the working directory or, failing that, from the jar ({@code config/...}). */
  public static Future<Settings> read(Vertx vertx, String path) {
    String format = path.endsWith(".json") ? "json" : "yaml";
    ConfigStoreOptions store = new ConfigStoreOptions().setType("file").setFormat(format)
        .setConfig(new JsonObject().put("path", path));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, new ConfigRetrieverOptions()
        .setIncludeDefaultStores(false).addStore(store));
    return retriever.getConfig()
        .map(Settings::fromJson)
        .recover(failure -> Future.failedFuture(new ConfigException("--config", path,
            "cannot read it as " + format + ": " + failure.getMessage())))
        .onComplete(done -> retriever.close());
  }

  /** {@code KEY=VALUE} strings to a map; a string without '=' or with an empty key is refused. */
  public static Map<String, String> parseAssignments(List<String> assignments) {
    Map<String, String> parsed = new LinkedHashMap<>();
    for (String assignment : assignments) {
      int eq = assignment.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException("--set", assignment, "expected KEY=VALUE, such as operations.payment.charge.mode=event");
      }
      parsed.put(assignment.substring(0, eq).trim(), assignment.substring(eq + 1).trim());
    }
    return parsed;
  }
}
