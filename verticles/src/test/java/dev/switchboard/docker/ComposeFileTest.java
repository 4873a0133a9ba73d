package dev.switchboard.docker;

import dev.switchboard.node.Blocking;
import dev.switchboard.node.ConfigLoader;
import dev.switchboard.node.NodeConfig;
import dev.switchboard.platform.check.ConfigCheck;
import dev.switchboard.platform.check.Finding;
import dev.switchboard.platform.config.Settings;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static dev.switchboard.docker.DockerFiles.list;
import static dev.switchboard.docker.DockerFiles.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@code docker/compose.yaml} holds together without a Docker engine: the engines with health checks,
 * two replicas of each service group with their own names and ports, configurations {@code serve}
 * accepts, secrets only from {@code docker/.env}, Prometheus scraping every replica, the image it
 * builds, and (where Debian's {@code docker-compose} is installed) compose's own validation.
 */
@DisplayName("docker/compose.yaml describes the whole topology")
class ComposeFileTest {

  /** The PostgreSQL store's keys (issue 11), checked as soon as this build knows them. */
  private static final Set<String> SECRET_KEYS = Set.of("management.token", "internal.token", "store.password");
  private static final String REQUIRE_COMPOSE = "SWITCHBOARD_REQUIRE_COMPOSE";

  private static Vertx vertx;
  private static Map<String, Object> services;
  private static Map<String, String> env;

  @BeforeAll
  static void read() {
    vertx = Vertx.vertx();
    services = map(DockerFiles.yaml("compose.yaml").get("services"), "services");
    env = DockerFiles.envExample();
  }

  @AfterAll
  static void close() {
    Blocking.await(vertx.close());
  }

  private static Map<String, Object> service(String name) {
    assertThat(services).as("services").containsKey(name);
    return map(services.get(name), name);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> environment(Map<String, Object> service) {
    Object environment = service.get("environment");
    return environment == null ? Map.of() : (Map<String, String>) (Map<String, ?>) map(environment, "environment");
  }

  /** A Switchboard process of the file: a service that names its configuration file. */
  private record Replica(String name, String configFile, Map<String, String> set) {

    String instanceId() {
      return set.get("instance.id");
    }

    /** Its configuration as {@code serve} reads it: the file, then SWITCHBOARD_SET with .env.example's values. */
    Settings settings() {
      Map<String, String> assignments = ConfigLoader.parseAssignments(Arrays.stream(
          DockerFiles.interpolate(String.join(";", set.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
              .toList()), env).split(";")).toList());
      return Blocking.await(ConfigLoader.read(vertx, DockerFiles.DIR.resolve(configFile).toString())).with(assignments);
    }
  }

  /** The replicas by service group (their configuration file), in the file's order. */
  private static Map<String, List<Replica>> groups() {
    Map<String, List<Replica>> groups = new TreeMap<>();
    services.forEach((name, definition) -> {
      Map<String, String> environment = environment(map(definition, name));
      String configPath = environment.get(ConfigLoader.ENV_FILE);
      if (configPath == null) {
        return;
      }
      Map<String, String> set = new LinkedHashMap<>();
      for (String assignment : environment.getOrDefault(ConfigLoader.ENV_SET, "").split(";")) {
        int eq = assignment.indexOf('=');
        assertThat(eq).as("%s: SWITCHBOARD_SET assignment '%s'", name, assignment).isPositive();
        set.put(assignment.substring(0, eq).trim(), assignment.substring(eq + 1).trim());
      }
      Replica replica = new Replica(name, hostFile(name, configPath), set);
      groups.computeIfAbsent(replica.configFile(), file -> new ArrayList<>()).add(replica);
    });
    return groups;
  }

  private static List<Replica> replicas() {
    return groups().values().stream().flatMap(List::stream).toList();
  }

  /** The file under docker/ that a service's bind mounts put at {@code containerPath}. */
  private static String hostFile(String service, String containerPath) {
    for (Object volume : list(service(service).get("volumes"), service + " volumes")) {
      String[] parts = volume.toString().split(":");
      if (parts[0].startsWith("./") && containerPath.startsWith(parts[1] + "/")) {
        return Path.of(parts[0]).resolve(containerPath.substring(parts[1].length() + 1)).normalize().toString();
      }
      if (parts[0].startsWith("./") && containerPath.equals(parts[1])) {
        return Path.of(parts[0]).normalize().toString();
      }
    }
    throw new AssertionError(service + ": no bind mount of docker/ holds " + containerPath);
  }

  private static int port(Settings settings, String key) {
    return Integer.parseInt(settings.getString(key, "-1"));
  }

  /** The host ports a service publishes, by container port. */
  private static Map<Integer, String> published(String service) {
    Map<Integer, String> ports = new TreeMap<>();
    Object declared = service(service).get("ports");
    for (Object port : declared == null ? List.of() : list(declared, service + " ports")) {
      String[] parts = port.toString().split(":");
      ports.put(Integer.parseInt(parts[parts.length - 1].replace("/tcp", "")),
          String.join(":", Arrays.copyOf(parts, parts.length - 1)));
    }
    return ports;
  }

  @Nested
  @DisplayName("The engines and the replicas")
  class Topology {

    @Test
    @DisplayName("runs Kafka in KRaft mode from Apache's image, PostgreSQL 15, Prometheus and Grafana")
    void engines() {
      assertThat(service("kafka").get("image").toString()).startsWith("apache/kafka:");
      assertThat(environment(service("kafka")).get("KAFKA_PROCESS_ROLES")).isEqualTo("broker,controller");
      assertThat(environment(service("kafka"))).containsKey("KAFKA_CONTROLLER_QUORUM_VOTERS")
          .doesNotContainKey("KAFKA_ZOOKEEPER_CONNECT");
      assertThat(service("postgres").get("image")).isEqualTo("postgres:15");
      assertThat(service("prometheus").get("image").toString()).startsWith("prom/prometheus:");
      assertThat(service("grafana").get("image").toString()).startsWith("grafana/grafana:");
    }

    @Test
    @DisplayName("gives every service a health check")
    void healthChecks() {
      services.forEach((name, definition) -> {
        Object healthcheck = map(definition, name).get("healthcheck");
        assertThat(healthcheck).as("%s healthcheck", name).isNotNull();
        assertThat(list(map(healthcheck, name).get("test"), name + " healthcheck test")).as(name).hasSizeGreaterThan(1);
      });
    }

    @Test
    @DisplayName("runs two replicas of each service group, the groups of the split deployment")
    void twoReplicasOfEachGroup() {
      Map<String, List<Replica>> groups = groups();

      assertThat(groups.keySet()).containsExactlyInAnyOrder("config/checkout.yaml", "config/payment.yaml");
      Set<String> served = new TreeSet<>();
      groups.forEach((file, replicas) -> {
        assertThat(replicas).as(file).hasSizeGreaterThanOrEqualTo(2);
        Set<String> services = replicas.stream().map(replica -> replica.settings().getString("services", ""))
            .collect(Collectors.toSet());
        assertThat(services).as("every replica of %s runs the same services", file).hasSize(1);
        served.addAll(List.of(services.iterator().next().split(",")));
      });
      Set<String> split = new TreeSet<>();
      for (String file : List.of("../config/split/checkout.yaml", "../config/split/payment.yaml")) {
        split.addAll(List.of(Blocking.await(ConfigLoader.read(vertx, file)).getString("services", "").split(",")));
      }
      assertThat(served).as("the services of all groups").isEqualTo(split);
    }

    @Test
    @DisplayName("names each replica: its instance.id is its service and host name, distinct from the others'")
    void distinctInstanceIds() {
      List<Replica> replicas = replicas();

      assertThat(replicas.stream().map(Replica::instanceId)).doesNotHaveDuplicates().doesNotContainNull();
      for (Replica replica : replicas) {
        assertThat(replica.instanceId()).as(replica.name()).isEqualTo(replica.name())
            .isEqualTo(service(replica.name()).get("hostname"));
      }
    }

    @Test
    @DisplayName("publishes each replica's gRPC and management ports on loopback, no host port twice")
    void distinctPorts() {
      List<String> hostPorts = new ArrayList<>();
      services.keySet().forEach(name -> hostPorts.addAll(published(name).values()));
      assertThat(hostPorts).as("published host ports").doesNotHaveDuplicates().allMatch(p -> p.startsWith("127.0.0.1:"));

      for (Replica replica : replicas()) {
        Settings settings = replica.settings();
        assertThat(published(replica.name()).keySet()).as(replica.name())
            .contains(port(settings, "grpc.port"), port(settings, "http.port"));
        assertThat(settings.getString("http.host", "")).as(replica.name() + " http.host (scraped from Prometheus)")
            .isEqualTo("0.0.0.0");
      }
    }

    @Test
    @DisplayName("starts a replica once Kafka and PostgreSQL are healthy, and checks it on /ready of its management port")
    void replicasWaitAndAreChecked() {
      for (Replica replica : replicas()) {
        Map<String, Object> service = service(replica.name());
        Map<String, Object> dependsOn = map(service.get("depends_on"), replica.name() + " depends_on");
        for (String engine : List.of("kafka", "postgres")) {
          assertThat(map(dependsOn.get(engine), engine).get("condition")).as(replica.name() + " on " + engine)
              .isEqualTo("service_healthy");
        }
        String check = String.join(" ", list(map(service.get("healthcheck"), "healthcheck").get("test"), "test")
            .stream().map(Object::toString).toList());
        assertThat(check).as(replica.name()).contains("127.0.0.1:" + port(replica.settings(), "http.port") + "/ready");
        assertThat(map(service.get("build"), "build").get("dockerfile")).isEqualTo("docker/Dockerfile");
      }
    }
  }

  @Nested
  @DisplayName("The replicas' configurations")
  class Configurations {

    /** The replica's configuration as this build validates it. */
    private NodeConfig validated(Replica replica) {
      return NodeConfig.from(replica.settings());
    }

    @Test
    @DisplayName("each replica's configuration (the file, then SWITCHBOARD_SET) starts: no bad value, no error of the pre-flip check")
    void serveAccepts() {
      for (Replica replica : replicas()) {
        NodeConfig config = validated(replica);
        List<Finding> errors = ConfigCheck.of(config.application(), config.platform()).stream()
            .filter(Finding::isError).toList();
        assertThat(errors).as(replica.name()).isEmpty();
        assertThat(config.instance()).isEqualTo(replica.name());
      }
    }

    @Test
    @DisplayName("each replica reaches Kafka and PostgreSQL by their service names, its group's database created")
    void reachesTheEngines() {
      String databases = DockerFiles.read("postgres/init-databases.sql");
      String firstDatabase = environment(service("postgres")).get("POSTGRES_DB");
      for (Replica replica : replicas()) {
        Settings settings = replica.settings();
        assertThat(settings.getString("kafka.bootstrap.servers", "")).as(replica.name()).isEqualTo("kafka:9092");
        assertThat(environment(service("kafka")).get("KAFKA_ADVERTISED_LISTENERS")).contains("//kafka:9092");
        String url = settings.getString("store.url", "");
        assertThat(url).as(replica.name()).startsWith("jdbc:postgresql://postgres:5432/");
        String database = url.substring(url.lastIndexOf('/') + 1);
        assertThat(database.equals(firstDatabase) || databases.contains("CREATE DATABASE " + database + ";"))
            .as("%s: database %s is created", replica.name(), database).isTrue();
        assertThat(settings.getString("store.user", "")).isEqualTo(environment(service("postgres")).get("POSTGRES_USER"));
      }
    }

    @Test
    @DisplayName("the checkout replicas call payment at every payment replica's internal listener")
    void paymentTargets() {
      Map<String, List<Replica>> groups = groups();
      Set<String> listeners = new TreeSet<>();
      for (Replica payment : groups.get("config/payment.yaml")) {
        listeners.add(payment.name() + ":" + port(payment.settings(), "internal.port"));
      }
      for (Replica checkout : groups.get("config/checkout.yaml")) {
        for (String operation : List.of("payment.charge", "payment.refund")) {
          Settings settings = checkout.settings();
          assertThat(settings.getString("operations." + operation + ".transport", "")).isEqualTo("grpc");
          assertThat(new TreeSet<>(Arrays.stream(settings.getString("operations." + operation + ".target", "")
              .split(",")).map(String::trim).toList())).as(checkout.name() + " " + operation).isEqualTo(listeners);
        }
      }
    }

    @Test
    @DisplayName("secrets come from docker/.env (listed in .env.example), never written in the compose file or the configurations")
    void secretsFromEnvironment() {
      for (Replica replica : replicas()) {
        for (String key : SECRET_KEYS) {
          String value = replica.set().get(key);
          assertThat(value).as("%s %s", replica.name(), key).matches("\\$\\{[A-Z_]+(:\\?[^}]*)?}");
          assertThat(env).containsKey(DockerFiles.variables(value).get(0));
        }
        assertThat(replica.settings().asMap()).as(replica.name() + ": the secrets from .env")
            .containsEntry("internal.token", env.get("SWITCHBOARD_INTERNAL_TOKEN"));
      }
      assertThat(environment(service("postgres")).get("POSTGRES_PASSWORD")).matches("\\$\\{SWITCHBOARD_STORE_PASSWORD(:\\?[^}]*)?}");
      assertThat(environment(service("grafana")).get("GF_SECURITY_ADMIN_PASSWORD")).matches("\\$\\{[A-Z_]+(:\\?[^}]*)?}");
      for (String file : List.of("config/checkout.yaml", "config/payment.yaml")) {
        assertThat(DockerFiles.read(file)).as(file).doesNotContain("token:").doesNotContain("password:");
      }
      env.forEach((name, value) -> {
        if (!name.equals("COMPOSE_PROJECT_NAME")) {
          assertThat(value).as(".env.example holds placeholders: " + name).startsWith("change-me");
        }
      });
      try {
        assertThat(Files.readAllLines(Path.of("..", ".gitignore"))).contains("docker/.env");
      } catch (IOException e) {
        fail("cannot read .gitignore", e);
      }
    }
  }

  @Nested
  @DisplayName("Prometheus and the image")
  class ScrapingAndImage {

    @Test
    @DisplayName("Prometheus scrapes /metrics of every replica, and no other target, keeping the replicas' instance label")
    void prometheusTargets() {
      Map<String, Object> prometheus = service("prometheus");
      String configFile = list(prometheus.get("command"), "command").stream().map(Object::toString)
          .filter(arg -> arg.startsWith("--config.file=")).findFirst().orElseThrow().substring("--config.file=".length());
      assertThat(hostFile("prometheus", configFile)).isEqualTo("prometheus/prometheus.yml");

      Map<String, Object> config = DockerFiles.yaml("prometheus/prometheus.yml");
      Map<String, Object> job = list(config.get("scrape_configs"), "scrape_configs").stream()
          .map(entry -> map(entry, "scrape config")).filter(entry -> "switchboard".equals(entry.get("job_name")))
          .findFirst().orElseThrow(() -> new AssertionError("no job switchboard"));
      assertThat(job.getOrDefault("metrics_path", "/metrics")).isEqualTo("/metrics");
      assertThat(job.get("honor_labels")).as("honor_labels keeps the processes' instance label").isEqualTo(true);
      Set<String> targets = new HashSet<>();
      for (Object group : list(job.get("static_configs"), "static_configs")) {
        list(map(group, "static config").get("targets"), "targets").forEach(target -> targets.add(target.toString()));
      }
      Set<String> replicas = replicas().stream()
          .map(replica -> replica.name() + ":" + port(replica.settings(), "http.port")).collect(Collectors.toSet());
      assertThat(targets).isEqualTo(replicas);
    }

    @Test
    @DisplayName("the image runs the fat jar on a Java 17 runtime as a non-root user, checks /ready and exposes the three ports")
    void dockerfile() {
      List<String> lines = DockerFiles.read("Dockerfile").lines().map(String::trim)
          .filter(line -> !line.startsWith("#")).toList();
      assertThat(lines).anyMatch(line -> line.matches("FROM eclipse-temurin:17-jre.*"));
      assertThat(lines).anyMatch(line -> line.startsWith("COPY ") && line.contains("verticles/target/switchboard.jar"));
      List<String> users = lines.stream().filter(line -> line.startsWith("USER ")).toList();
      assertThat(users).isNotEmpty();
      assertThat(users.get(users.size() - 1).substring(5).split(":")[0]).isNotIn("root", "0");
      int healthcheck = lines.indexOf(lines.stream().filter(line -> line.startsWith("HEALTHCHECK")).findFirst()
          .orElseThrow(() -> new AssertionError("no HEALTHCHECK")));
      assertThat(lines.get(healthcheck) + lines.get(healthcheck + 1)).contains("/ready");
      assertThat(lines.stream().filter(line -> line.startsWith("EXPOSE ")).flatMap(line ->
          Arrays.stream(line.substring(7).trim().split("\\s+"))).toList()).contains("9090", "8080", "9091");
      assertThat(lines).anyMatch(line -> line.startsWith("ENTRYPOINT") && line.contains("\"-jar\""));
      assertThat(DockerFiles.read("Dockerfile.dockerignore").lines().toList())
          .contains("*", "!verticles/target/switchboard.jar");
    }
  }

  @Nested
  @DisplayName("docker-compose")
  class ComposeTool {

    private Path composeTool() {
      Path found = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
          .map(dir -> Path.of(dir, "docker-compose")).filter(Files::isExecutable).findFirst().orElse(null);
      if (found == null) {
        String message = "docker-compose is not installed (apt-get install -y docker-compose); "
            + REQUIRE_COMPOSE + "=1 makes this check mandatory";
        if ("1".equals(System.getenv(REQUIRE_COMPOSE))) {
          fail(message);
        }
        Assumptions.abort(message);
      }
      return found;
    }

    private record Run(int exit, String output) {
    }

    private Run config(String envFile) throws IOException, InterruptedException {
      ProcessBuilder builder = new ProcessBuilder(composeTool().toString(), "-f",
          DockerFiles.DIR.resolve("compose.yaml").toString(), "--env-file", envFile, "config", "-q").redirectErrorStream(true);
      builder.environment().keySet().removeAll(env.keySet()); // only the env file speaks, not this shell's variables
      Process process = builder.start();
      process.getOutputStream().close();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail("docker-compose config did not finish in 60 s");
      }
      return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("validates the file with the variables of .env.example")
    void validates() throws Exception {
      Run run = config(DockerFiles.DIR.resolve(".env.example").toString());

      assertThat(run.exit()).as(run.output()).isZero();
    }

    @Test
    @DisplayName("refuses to run without the secrets, naming where to set them")
    void secretsAreRequired() throws Exception {
      Path empty = Files.createTempFile("switchboard-empty", ".env");
      try {
        Run run = config(empty.toString());

        assertThat(run.exit()).as(run.output()).isNotZero();
        assertThat(run.output()).contains("set it in docker/.env");
      } finally {
        Files.delete(empty);
      }
    }
  }
}
