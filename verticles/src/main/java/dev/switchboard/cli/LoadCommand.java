package dev.switchboard.cli;

import dev.switchboard.checkout.OrderLimits;
import dev.switchboard.experiment.LoadGenerator;
import dev.switchboard.experiment.LoadOptions;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code switchboard load}: reads and checks its options, then hands them to {@link LoadGenerator}.
 * A bad option exits {@value #INVALID} with one line naming the option, the value and what is
 * allowed; nothing is sent.
 */
final class LoadCommand {

  static final int INVALID = 2;

  /** The options load takes a value for ({@code --find-max} is a flag). */
  static final Set<String> OPTIONS = Set.of("target", "rate", "seconds", "warmup", "grace", "clients", "sku",
      "max-rate", "out");

  private final PrintStream out;
  private final PrintStream err;

  LoadCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  int run(CommandLine commandLine) {
    LoadOptions options;
    try {
      options = options(commandLine);
    } catch (IllegalArgumentException e) {
      err.println("switchboard: load: " + e.getMessage() + " (load --help shows the options)");
      return INVALID;
    }
    return new LoadGenerator(options, out, err).run();
  }

  static LoadOptions options(CommandLine commandLine) {
    Set<String> unknown = new TreeSet<>(commandLine.options().keySet());
    unknown.removeAll(OPTIONS);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown option --" + unknown.iterator().next() + "; load takes "
          + String.join(", ", new TreeSet<>(OPTIONS).stream().map(name -> "--" + name).toList()) + ", --find-max");
    }
    if (commandLine.configFile() != null || !commandLine.assignments().isEmpty()) {
      throw new IllegalArgumentException("load takes no --config or --set: it configures nothing; the targets"
          + " run with their own configuration");
    }
    if (commandLine.flags().contains("quick") || commandLine.flags().contains("list")) {
      throw new IllegalArgumentException("load takes no --quick or --list");
    }
    String rawTargets = commandLine.options().get("target");
    if (rawTargets == null) {
      throw new IllegalArgumentException("--target is required: the public gRPC ports of the running processes,"
          + " HOST:PORT[,HOST:PORT...]");
    }
    List<LoadOptions.Target> targets = new ArrayList<>();
    for (String target : rawTargets.split(",", -1)) {
      targets.add(target(target.trim(), rawTargets));
    }
    int rate = commandLine.intOption("rate", LoadOptions.DEFAULT_RATE, 1, LoadOptions.MAX_RATE);
    int seconds = commandLine.intOption("seconds", LoadOptions.DEFAULT_SECONDS, 1, LoadOptions.MAX_SECONDS);
    int warmup = commandLine.intOption("warmup", LoadOptions.DEFAULT_WARMUP, 0, LoadOptions.MAX_SECONDS);
    int grace = commandLine.intOption("grace", LoadOptions.DEFAULT_GRACE, 0, LoadOptions.MAX_SECONDS);
    int clients = commandLine.intOption("clients", LoadOptions.DEFAULT_CLIENTS, 1, LoadOptions.MAX_CLIENTS);
    boolean findMax = commandLine.flags().contains("find-max");
    // the search's ceiling by default: the highest rate whose run fits in LoadOptions.MAX_ORDERS
    int fitting = (int) Math.max(1, Math.min(LoadOptions.MAX_RATE, LoadOptions.MAX_ORDERS / (warmup + seconds)));
    int maxRate = commandLine.intOption("max-rate", fitting, 1, LoadOptions.MAX_RATE);
    if (!findMax && commandLine.options().containsKey("max-rate")) {
      throw new IllegalArgumentException("--max-rate applies to --find-max only");
    }
    int highest = findMax ? maxRate : rate;
    long orders = (long) highest * (warmup + seconds);
    if (orders > LoadOptions.MAX_ORDERS) {
      throw new IllegalArgumentException((findMax ? "--max-rate" : "--rate") + " × (--warmup + --seconds) = "
          + highest + " × " + (warmup + seconds) + " = " + orders + " orders in one run: at most "
          + LoadOptions.MAX_ORDERS + " are allowed (shorten the run or lower the rate)");
    }
    List<String> skus = commandLine.repeated().getOrDefault("sku", LoadOptions.DEFAULT_SKUS);
    for (String sku : skus) {
      if (!OrderLimits.SKU.accepts(sku)) {
        throw new IllegalArgumentException("--sku = '" + sku + "': expected 1 to " + OrderLimits.SKU.maxLength()
            + " characters of " + OrderLimits.SKU.characters() + ", as the keys of inventory.stock.<SKU>");
      }
    }
    Path out = null;
    if (commandLine.options().containsKey("out")) {
      String raw = commandLine.options().get("out");
      if (raw.isBlank() || Files.isDirectory(Path.of(raw))) {
        throw new IllegalArgumentException("--out = '" + raw + "': expected a file to write the JSON report to,"
            + " not a directory");
      }
      out = Path.of(raw);
    }
    return new LoadOptions(targets, rate, seconds, warmup, grace, clients, skus, findMax, maxRate, out);
  }

  private static LoadOptions.Target target(String target, String raw) {
    int colon = target.lastIndexOf(':');
    String host = colon < 0 ? "" : target.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    String port = colon < 0 ? "" : target.substring(colon + 1);
    int number = -1;
    try {
      number = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      // reported below
    }
    if (host.isEmpty() || host.contains(" ") || number < 1 || number > 65_535) {
      throw new IllegalArgumentException("--target = '" + raw + "': '" + target + "' is not HOST:PORT; expected"
          + " HOST:PORT[,HOST:PORT...] with a port from 1 to 65535");
    }
    return new LoadOptions.Target(host, number);
  }
}
