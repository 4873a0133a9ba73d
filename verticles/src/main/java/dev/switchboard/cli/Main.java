package dev.switchboard.cli;

import dev.switchboard.node.NodeConfig;
import dev.switchboard.node.Blocking;
import dev.switchboard.node.ConfigLoader;
import dev.switchboard.node.InstanceLogConverter;
import dev.switchboard.node.StartupCheck;
import dev.switchboard.node.StartupFailure;
import dev.switchboard.node.SwitchboardNode;
import dev.switchboard.bench.BenchCommand;
import dev.switchboard.experiment.Demo;
import dev.switchboard.experiment.Experiment;
import dev.switchboard.experiment.HopBenchmark;
import dev.switchboard.platform.config.ConfigException;
import dev.switchboard.platform.config.Settings;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code java -jar switchboard.jar serve|check|demo|experiment|load|bench|bench-hop [--config FILE] [--set KEY=VALUE]...} */
public final class Main {

  private static final Logger LOGGER = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  /** What {@link #run} returns when {@code serve} started: the process keeps running until stopped. */
  public static final int SERVING = -1;

  public static void main(String[] args) {
    int code = run(args);
    if (code != SERVING) {
      System.exit(code);
    }
  }

  /** Runs a command; returns the process exit code, or {@link #SERVING} once {@code serve} has started. */
  public static int run(String[] args) {
    CommandLine commandLine;
    try {
      commandLine = CommandLine.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("switchboard: " + e.getMessage() + "\n\n" + CommandLine.USAGE);
      return 2;
    }
    if (commandLine.help() || commandLine.command() == null) {
      (commandLine.help() ? System.out : System.err).print(CommandLine.USAGE);
      return commandLine.help() ? 0 : 2;
    }
    try {
      return switch (commandLine.command()) {
        case "serve" -> serve(commandLine);
        case "check" -> new CheckCommand(System.out, System.err).run(commandLine);
        case "demo" -> Demo.run(readFileSettings(commandLine), ConfigLoader.parseAssignments(assignments(commandLine)),
            new Demo.Options(commandLine.intOption("orders", Demo.DEFAULT_ORDERS),
                commandLine.intOption("rate", Demo.DEFAULT_RATE), commandLine.intOption("seed", Demo.DEFAULT_SEED),
                commandLine.options().getOrDefault("variants", Demo.DEFAULT_VARIANTS),
                commandLine.intOption("warmup", Demo.DEFAULT_WARMUP, 0)));
        case "experiment" -> experiment(commandLine);
        case "load" -> new LoadCommand(System.out, System.err).run(commandLine);
        case "bench" -> {
          quietPlatformLogs();
          yield new BenchCommand(System.out, System.err).run(commandLine.flags().contains("quick"),
              commandLine.options().containsKey("out") ? java.nio.file.Path.of(commandLine.options().get("out")) : null,
              commandLine.arguments(), commandLine.options());
        }
        case "bench-hop" -> HopBenchmark.run(commandLine.intOption("calls", 10_000),
            commandLine.intOption("warmup", 3_000, 0));
        default -> {
          System.err.println("switchboard: unknown command '" + commandLine.command()
              + "'; commands are serve, check, demo, experiment, load, bench, bench-hop\n\n"
              + CommandLine.USAGE);
          yield 2;
        }
      };
    } catch (StartupFailure e) {
      // one line on stderr; the whole chain of causes in the log at DEBUG (SWITCHBOARD_LOG_LEVEL=DEBUG)
      LOGGER.debug("start-up failed", e);
      System.err.println("switchboard: " + e.getMessage());
      return 1;
    } catch (ConfigException | IllegalArgumentException e) {
      System.err.println("switchboard: " + e.getMessage());
      return 1;
    }
  }

  private static int experiment(CommandLine commandLine) {
    quietPlatformLogs();
    Experiment experiment = new Experiment(System.out, System.err);
    if (commandLine.flags().contains("list")) {
      return experiment.list();
    }
    if (commandLine.arguments().isEmpty()) {
      System.err.println("switchboard: experiment needs a name or a file (experiment --list shows the shipped ones)");
      return Experiment.WRONG_FILE;
    }
    String variants = commandLine.options().getOrDefault("variants", "");
    String out = commandLine.options().get("out");
    return experiment.run(readFileSettings(commandLine), new Experiment.Options(commandLine.arguments().get(0),
        out == null ? null : java.nio.file.Path.of(out), commandLine.flags().contains("quick"),
        Arrays.stream(variants.split(",")).map(String::trim).filter(name -> !name.isEmpty()).toList(),
        ConfigLoader.parseAssignments(assignments(commandLine))));
  }

  /**
   * An experiment's (or a benchmark's) progress lines are what its user follows: the nodes it starts
   * and stops log only warnings, unless SWITCHBOARD_LOG_LEVEL asks for more.
   */
  private static void quietPlatformLogs() {
    if (System.getenv("SWITCHBOARD_LOG_LEVEL") == null
        && LoggerFactory.getLogger("dev.switchboard") instanceof ch.qos.logback.classic.Logger platform) {
      platform.setLevel(ch.qos.logback.classic.Level.WARN);
    }
    // the Kafka clients of a variant on Kafka log every consumer's configuration and rebalance at INFO
    if (LoggerFactory.getLogger("org.apache.kafka") instanceof ch.qos.logback.classic.Logger kafka) {
      kafka.setLevel(ch.qos.logback.classic.Level.WARN);
    }
  }

  private static int serve(CommandLine commandLine) {
    NodeConfig config = NodeConfig.from(readSettings(commandLine));
    InstanceLogConverter.show(config.instance()); // one node in this process: its id on every log line
    StartupCheck.require(config);
    SwitchboardNode node;
    try {
      node = SwitchboardNode.startAndAwait(config);
    } catch (ConfigException | StartupFailure e) {
      throw e;
    } catch (RuntimeException e) {
      LOGGER.debug("start-up failed", e);
      System.err.println("switchboard: start-up failed: " + e.getMessage());
      return 1;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOGGER.info("shutting down");
      try {
        node.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOGGER.warn("shutdown did not finish cleanly: {}", e.getMessage());
      }
    }, "switchboard-shutdown"));
    return SERVING;
  }

  /** The file, then SWITCHBOARD_SET, then --set: validated by the caller when it starts a node. */
  static Settings readSettings(CommandLine commandLine) {
    Settings settings = readFileSettings(commandLine).with(ConfigLoader.parseAssignments(assignments(commandLine)));
    String services = commandLine.options().get("services");
    return services == null ? settings : settings.with(NodeConfig.SERVICES, services);
  }

  static Settings readFileSettings(CommandLine commandLine) {
    String file = commandLine.configFile() != null ? commandLine.configFile() : System.getenv(ConfigLoader.ENV_FILE);
    Vertx reader = Vertx.vertx();
    try {
      return Blocking.await(ConfigLoader.readFile(reader, file));
    } finally {
      reader.close();
    }
  }

  /** SWITCHBOARD_SET's assignments, then the command line's, so the command line wins. */
  static List<String> assignments(CommandLine commandLine) {
    List<String> assignments = new ArrayList<>();
    String fromEnvironment = System.getenv(ConfigLoader.ENV_SET);
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      Arrays.stream(fromEnvironment.split(";")).map(String::trim).filter(s -> !s.isEmpty()).forEach(assignments::add);
    }
    assignments.addAll(commandLine.assignments());
    return assignments;
  }
}
