package dev.switchboard.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed command line: a subcommand, {@code --config}, repeated {@code --set}, and subcommand
 * options ({@code options} holds each one's last value, {@code repeated} every value in order).
 */
record CommandLine(String command, List<String> arguments, String configFile, List<String> assignments,
                   Map<String, String> options, Map<String, List<String>> repeated, java.util.Set<String> flags,
                   boolean help) {

  /** Options that take no value. */
  static final java.util.Set<String> FLAGS = java.util.Set.of("quick", "list", "find-max");

  static final String USAGE = """
      Usage: java -jar switchboard.jar <command> [options]

      Commands:
        serve            run the platform (gRPC edge, services, management port) until stopped;
                         refuses to start a configuration that fails the pre-flip check
        check            the pre-flip check: what the configuration risks (at-least-once delivery
                         to a handler that is not idempotent, deduplication off, rpc deadlines
                         shorter than the chain they wait for, retries that do not apply, faults,
                         saga steps nothing undoes), one finding a line; starts nothing
        demo             run the checkout workload under all-rpc, all-event and hybrid modes and
                         print a side-by-side table
        experiment NAME|FILE
                         test one claim of the request-vs-event debate: the same workload under
                         several variants with faults on a schedule; a verdict per hypothesis and
                         a report with plots (experiment --list shows the shipped ones)
        load             open-loop load against processes already running: PlaceOrder calls over
                         gRPC to each --target in turn, every order followed to its terminal
                         state; prints throughput and latency over all targets and per target
                         (load --find-max: the highest rate they sustain)
        bench [SUITE...] Switchboard against the raw parts it is built on, side by side in one
                         run: invoke (switchboard.invoke vs an event-bus request), edge (the gRPC
                         edge vs a bare Vert.x gRPC server and grpc-java), kafka (the Kafka
                         transport vs Kafka's own perf tools), checkout (each variant's saturation
                         rate); soak only when named. Prints ratios; writes bench.json and plots
        bench-hop        what a cross-process rpc hop costs: payment.charge in process and in a
                         second JVM over gRPC, alternately; prints both latency distributions

      Options:
        --config FILE    configuration file, YAML or JSON (default: config/switchboard.yaml in the
                         working directory, else the copy in the jar)
        --set KEY=VALUE  override one key; repeatable; wins over the file and SWITCHBOARD_SET
        --help           this text

      Serve options:
        --services LIST  the services this process runs, comma-separated (default all): inventory,
                         payment, shipping, notifications, analytics, orders — a split deployment
                         runs a subset in each process (see config/split/)

      Check options:
        --config FILE, --set KEY=VALUE   the configuration to check, read as serve reads it
        Exit status: 0 no error (warnings allowed), 1 an error, 2 the configuration cannot be read
        or is invalid.

      Bench options:
        --quick          a short run that proves every suite works (not figures to quote)
        --out DIR        where bench.json and the plots go (default bench/<timestamp>/)
        --minutes N      soak: how long to run at half of saturation (default 10; decimals allowed)
        --variants LIST  checkout: only these variants, comma-separated (default all-rpc,all-event,
                         hybrid,all-kafka)
        --stores LIST    checkout: only these stores, comma-separated: memory (H2 in memory),
                         h2-file (H2 in a directory, durable), postgres (a throwaway PostgreSQL
                         from /usr/lib/postgresql; skipped where missing) (default all three)
        --variant NAME   soak: the variant (default all-rpc)
        --store NAME     soak: the store (default h2-file)
        --rate N         soak: orders/s (default half of the rate a short search finds)

      bench-hop options:
        --calls N        measured calls per path (default 10000)
        --warmup N       calls per path first, not measured (default 3000)

      Experiment options:
        --list           the shipped experiments and the claim each tests
        --quick          scaled down to seconds, the claim still observable
        --variants LIST  only these of the experiment's variants, comma-separated
        --out DIR        where the report goes (default reports/<name>-<timestamp>/)
        --set KEY=VALUE  laid over every variant's settings
        Exit status: 0 every hypothesis held, 1 one did not, 2 the experiment file is wrong.

      Load options:
        --target HOST:PORT[,HOST:PORT...]
                         the public gRPC ports (grpc.port) of the running processes; required
        --rate N         orders per second, open loop, spread over the targets (default 100;
                         with --find-max the first step's rate)
        --seconds S      the measured window (default 30; with --find-max each step's)
        --warmup S       seconds of orders first, sent but not measured (default 5)
        --grace S        how long after the last order the run waits for orders to end (default 30)
        --clients N      connections per target for PlaceOrder, and as many for following PENDING
                         orders; each carries about 100 calls at once (default 8, at most 256)
        --sku SKU        what the orders buy, one unit each, in turn; repeatable
                         (default SKU-APPLE, SKU-BANANA, SKU-CHERRY)
        --find-max       double the rate while the targets keep up (terminal throughput >= 95% of
                         the rate, p99 under 1 s, no growing backlog), then bisect; a rate that
                         falls is run once more and the second run decides; after each step
                         (the last one's too), wait up to 120 s for the orders it left open to
                         end; report the highest rate sustained
        --max-rate N     with --find-max: never beyond this rate (default 100000, or less for a
                         long step: a run holds at most 5000000 orders)
        --out FILE       the report as JSON too
        Exit status: 0 measured and reported, 1 a target cannot be reached, 2 a bad option.

      Demo options:
        --orders N       orders per variant (default 300)
        --rate N         orders per second, open loop (default 150)
        --variants LIST  comma-separated variant names from config/variants (default all-rpc,all-event,hybrid)
        --seed N         seed of the generated orders (default 42)
        --warmup N       orders per variant run first to warm the JVM up, not measured (default 300)

      Environment:
        SWITCHBOARD_CONFIG      configuration file, as --config
        SWITCHBOARD_SET         "KEY=VALUE;KEY=VALUE", laid over the file, under --set
        SWITCHBOARD_LOG_LEVEL   DEBUG shows one line per message with its correlation id

      Examples:
        java -jar switchboard.jar serve --set operations.payment.charge.mode=event
        java -jar switchboard.jar check --set operations.payment.charge.mode=event
        java -jar switchboard.jar demo --orders 500 --rate 200
        java -jar switchboard.jar experiment load-leveling --quick
        java -jar switchboard.jar load --target 127.0.0.1:9090,127.0.0.1:9190 --rate 200 --seconds 20
      """;

  static CommandLine parse(String[] args) {
    String command = null;
    List<String> arguments = new ArrayList<>();
    java.util.Set<String> flags = new java.util.LinkedHashSet<>();
    String configFile = null;
    List<String> assignments = new ArrayList<>();
    Map<String, String> options = new LinkedHashMap<>();
    Map<String, List<String>> repeated = new LinkedHashMap<>();
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--help", "-h" -> help = true;
        case "--config" -> configFile = value(args, ++i, arg);
        case "--set" -> assignments.add(value(args, ++i, arg));
        default -> {
          if (arg.startsWith("--") && FLAGS.contains(arg.substring(2))) {
            flags.add(arg.substring(2));
          } else if (arg.startsWith("--")) {
            String value = value(args, ++i, arg);
            options.put(arg.substring(2), value);
            repeated.computeIfAbsent(arg.substring(2), name -> new ArrayList<>()).add(value);
          } else if (command == null) {
            command = arg;
          } else if (command.equals("experiment") && arguments.isEmpty() || command.equals("bench")) {
            arguments.add(arg);
          } else {
            throw new IllegalArgumentException("unexpected argument '" + arg + "'");
          }
        }
      }
    }
    Map<String, List<String>> allValues = new LinkedHashMap<>();
    repeated.forEach((name, values) -> allValues.put(name, List.copyOf(values)));
    return new CommandLine(command, List.copyOf(arguments), configFile, assignments, options, allValues,
        java.util.Set.copyOf(flags), help);
  }

  private static String value(String[] args, int index, String option) {
    if (index >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[index];
  }

  int intOption(String name, int defaultValue) {
    return intOption(name, defaultValue, 1);
  }

  int intOption(String name, int defaultValue, int min) {
    String raw = options.get(name);
    if (raw == null) {
      return defaultValue;
    }
    try {
      int parsed = Integer.parseInt(raw);
      if (parsed >= min) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("--" + name + " = '" + raw + "': expected a whole number of at least " + min);
  }

  /** A whole number from {@code min} to {@code max}; otherwise fails naming the option, the value and the range. */
  int intOption(String name, int defaultValue, int min, int max) {
    String raw = options.get(name);
    if (raw == null) {
      return defaultValue;
    }
    try {
      int parsed = Integer.parseInt(raw.trim());
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("--" + name + " = '" + raw + "': expected a whole number from " + min + " to "
        + max);
  }
}
