package dev.switchboard.experiment;

import dev.switchboard.checkout.CheckoutOperations;
import dev.switchboard.checkout.v1.ChargeRequest;
import dev.switchboard.node.Blocking;
import dev.switchboard.node.ConfigLoader;
import dev.switchboard.node.SwitchboardNode;
import dev.switchboard.platform.CallContext;
import dev.switchboard.platform.config.Settings;
import org.HdrHistogram.Histogram;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a cross-process rpc hop costs: the same operation ({@code payment.charge}, the same handler
 * and store work) called in process over the event bus and in another JVM over gRPC (its internal
 * listener, with a token made for the run), alternately,
 * one call at a time, so that both paths see the same machine at the same moment. Prints the
 * latency percentiles of each path and their ratios.
 */
public final class HopBenchmark {

  private static final Pattern READY = Pattern.compile(
      "gRPC on port (\\d+), management on port (\\d+), internal on port (\\d+)");

  private HopBenchmark() {
  }

  /** Runs {@code warmup} then {@code calls} calls on each path; returns the exit code. */
  public static int run(int calls, int warmup) {
    try {
      return measureBothPaths(calls, warmup);
    } catch (IOException e) {
      System.err.println("switchboard: bench-hop: " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  private static int measureBothPaths(int calls, int warmup) throws IOException, InterruptedException {
    System.out.println("starting the payment service in a second JVM...");
    // both processes share a token made for this run: the payment process serves its operations on
    // its internal listener to callers that send it
    String token = newToken();
    Process remote = startPaymentProcess(token);
    SwitchboardNode local = null;
    SwitchboardNode caller = null;
    try {
      int remotePort = awaitPort(remote);
      Map<String, String> quiet = Map.of("grpc.host", "127.0.0.1", "grpc.port", "0", "http.host", "127.0.0.1",
          "http.port", "0", "store.path", "", "payment.maxChargeCents", Long.toString(Long.MAX_VALUE / 4));
      // in process: payment served here, called over the event bus
      local = SwitchboardNode.startAndAwait(Settings.of(quiet).with("services", "payment"));
      // across processes: payment.charge called over gRPC in the second JVM
      caller = SwitchboardNode.startAndAwait(Settings.of(quiet).with(Map.of("services", "analytics",
          "internal.token", token, "internal.port", "0",
          "operations.payment.charge.transport", "grpc",
          "operations.payment.charge.target", "127.0.0.1:" + remotePort)));
      System.out.printf("warming up with %d calls per path...%n", warmup);
      measure(local, caller, warmup, new Histogram(3), new Histogram(3), "w");
      Histogram inProcess = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
      Histogram crossProcess = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
      System.out.printf("measuring %d calls per path, alternating...%n", calls);
      measure(local, caller, calls, inProcess, crossProcess, "m");
      print(inProcess, crossProcess);
      return 0;
    } finally {
      if (caller != null) {
        Blocking.await(caller.close());
      }
      if (local != null) {
        Blocking.await(local.close());
      }
      remote.destroy();
      remote.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static void measure(SwitchboardNode local, SwitchboardNode caller, int calls, Histogram inProcess,
                              Histogram crossProcess, String prefix) {
    for (int i = 0; i < calls; i++) {
      inProcess.recordValue(charge(local, prefix + "-local-" + i));
      crossProcess.recordValue(charge(caller, prefix + "-remote-" + i));
      if ((i + 1) % Math.max(1, calls / 4) == 0) {
        System.out.printf("  %d / %d%n", i + 1, calls);
      }
    }
  }

  /** One payment.charge, start to reply, in microseconds. */
  private static long charge(SwitchboardNode node, String orderId) {
    ChargeRequest request = ChargeRequest.newBuilder().setOrderId(orderId).setCustomerId("bench").setAmountCents(100)
        .build();
    long started = System.nanoTime();
    Blocking.await(node.switchboard().invoke(CheckoutOperations.PAYMENT_CHARGE, request, CallContext.begin(null)));
    return Math.max(1, TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - started));
  }

  private static void print(Histogram inProcess, Histogram crossProcess) {
    System.out.println();
    System.out.printf("%-34s %9s %9s %9s %9s %9s%n", "payment.charge, one call at a time", "p50", "p90", "p99",
        "p99.9", "mean");
    row("in process (event bus)", inProcess);
    row("other JVM (gRPC, HTTP/2 loopback)", crossProcess);
    System.out.printf("%-34s %8.1fx %8.1fx %8.1fx %8.1fx %8.1fx%n", "ratio other JVM / in process",
        ratio(crossProcess, inProcess, 50), ratio(crossProcess, inProcess, 90), ratio(crossProcess, inProcess, 99),
        ratio(crossProcess, inProcess, 99.9), crossProcess.getMean() / inProcess.getMean());
    System.out.println("(the same handler and store work on both paths; the difference is the hop)");
  }

  private static void row(String name, Histogram histogram) {
    System.out.printf("%-34s %9s %9s %9s %9s %9s%n", name, ms(histogram.getValueAtPercentile(50)),
        ms(histogram.getValueAtPercentile(90)), ms(histogram.getValueAtPercentile(99)),
        ms(histogram.getValueAtPercentile(99.9)), ms((long) histogram.getMean()));
  }

  private static String ms(long micros) {
    return String.format("%.3f ms", micros / 1000.0);
  }

  private static double ratio(Histogram a, Histogram b, double percentile) {
    return (double) a.getValueAtPercentile(percentile) / Math.max(1, b.getValueAtPercentile(percentile));
  }

  /** The payment process; the token goes through its environment (SWITCHBOARD_SET), not its command line. */
  private static Process startPaymentProcess(String token) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.switchboard.cli.Main", "serve",
        "--services", "payment", "--set", "grpc.host=127.0.0.1", "--set", "grpc.port=0",
        "--set", "internal.host=127.0.0.1", "--set", "internal.port=0",
        "--set", "http.host=127.0.0.1", "--set", "http.port=0", "--set", "store.path=",
        "--set", "payment.maxChargeCents=" + Long.MAX_VALUE / 4));
    String inherited = builder.environment().getOrDefault(ConfigLoader.ENV_SET, "");
    builder.environment().put(ConfigLoader.ENV_SET, (inherited.isBlank() ? "" : inherited + ";") + "internal.token=" + token);
    return builder.redirectErrorStream(true).start();
  }

  private static String newToken() {
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }

  private static int awaitPort(Process process) throws IOException {
    BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = output.readLine()) != null) {
      Matcher ready = READY.matcher(line);
      if (ready.find()) {
        Thread drain = new Thread(() -> {
          try {
            output.lines().forEach(ignored -> { });
          } catch (java.io.UncheckedIOException closed) {
            // the process was stopped: its output ends here
          }
        }, "payment-process-output");
        drain.setDaemon(true);
        drain.start();
        return Integer.parseInt(ready.group(3));
      }
    }
    throw new IOException("the payment process ended before it was ready");
  }
}
