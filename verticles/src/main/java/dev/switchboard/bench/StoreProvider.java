package dev.switchboard.bench;

import dev.switchboard.experiment.LocalPostgres;
import dev.switchboard.platform.config.StoreSettings;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A fresh, empty store of each kind for each node a benchmark starts: H2 in memory, H2 files in a
 * temporary directory (deleted on close), or a database of its own on a throwaway PostgreSQL cluster
 * started the first time one is needed (stopped on close). The PostgreSQL server keeps its default
 * durability (fsync on, synchronous commits), as a production server would: the durable stores are
 * compared like with like.
 */
final class StoreProvider implements AutoCloseable {

  private final Consumer<String> progress;
  private Path files;
  private LocalPostgres postgres;
  private int databases;

  StoreProvider(Consumer<String> progress) {
    this.progress = progress;
  }

  /** Whether {@code store} can run here: PostgreSQL needs Debian's binaries. */
  static boolean available(CheckoutStore store) {
    return store != CheckoutStore.POSTGRES || LocalPostgres.installed();
  }

  /** Why {@code store} cannot run here, for a note; empty when it can. */
  static String unavailableBecause(CheckoutStore store) {
    return available(store) ? "" : store.label() + " skipped: no PostgreSQL binaries at /usr/lib/postgresql/*/bin"
        + " (apt-get install -y postgresql provides them)";
  }

  /** The settings of a fresh, empty store of this kind, laid over the variant's. */
  Map<String, String> fresh(CheckoutStore store) {
    return switch (store) {
      case MEMORY -> Map.of(StoreSettings.PATH, "");
      // VariantSettings gives each node a directory of its own under this one
      case H2_FILE -> Map.of(StoreSettings.PATH, files().toString());
      case POSTGRES -> Map.of(StoreSettings.PATH, "", StoreSettings.URL,
          postgres().createDatabase("bench_" + ProcessHandle.current().pid() + "_" + ++databases),
          StoreSettings.USER, LocalPostgres.USER);
    };
  }

  /** The database servers it started and that run now (a PostgreSQL server detaches from this JVM). */
  List<ProcessHandle> servers() {
    return postgres == null ? List.of() : postgres.server().stream().toList();
  }

  private Path files() {
    if (files == null) {
      try {
        files = Files.createTempDirectory("switchboard-bench-store-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return files;
  }

  private LocalPostgres postgres() {
    if (postgres == null) {
      progress.accept("starting a throwaway PostgreSQL server (default durability: fsync on)...");
      try {
        postgres = LocalPostgres.start(List.of("max_connections=200"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      progress.accept("PostgreSQL on 127.0.0.1:" + postgres.port() + ", ready in " + postgres.startMillis() + " ms");
    }
    return postgres;
  }

  @Override
  public void close() {
    if (postgres != null) {
      postgres.close();
    }
    if (files != null) {
      try (Stream<Path> all = Files.walk(files)) {
        all.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      } catch (IOException e) {
        progress.accept("could not delete " + files + ": " + e.getMessage());
      }
    }
  }
}
