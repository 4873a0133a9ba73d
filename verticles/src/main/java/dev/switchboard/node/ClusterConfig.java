package dev.switchboard.node;

import dev.switchboard.platform.config.ConfigException;
import dev.switchboard.platform.config.Settings;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The clustered event bus: with {@code cluster.enabled}, the processes listed in
 * {@code cluster.members} form one Vert.x cluster (Hazelcast, explicit members, no multicast), so
 * the {@code local} transport — rpc over the event bus, event mode without Kafka — spans them.
 *
 * @param enabled      {@code cluster.enabled}
 * @param host         {@code cluster.host}: the address this process is reached at by the others
 * @param port         {@code cluster.port}: its cluster-membership (Hazelcast) port
 * @param members      {@code cluster.members}: host:port of the members; a listed process may start
 *                     alone, one that is not listed must reach a listed member (see {@link #listsItself()})
 * @param eventBusPort {@code cluster.eventBusPort}: where the event bus takes messages from the
 *                     others; 0 picks a free port
 * @param name         {@code cluster.name}: processes join only a cluster of the same name
 */
public record ClusterConfig(boolean enabled, String host, int port, List<String> members, int eventBusPort,
                            String name) {

  public static final Set<String> KEYS = Set.of("cluster.enabled", "cluster.host", "cluster.port",
      "cluster.members", "cluster.eventBusPort", "cluster.name");
  private static final Pattern MEMBER = Pattern.compile("[A-Za-z0-9.-]+:\\d{1,5}");

  public static ClusterConfig from(Settings settings) {
    boolean enabled = settings.getBoolean("cluster.enabled", false);
    String raw = settings.getString("cluster.members", "").trim();
    List<String> members = new ArrayList<>();
    for (String member : raw.isEmpty() ? new String[0] : raw.split(",")) {
      if (!MEMBER.matcher(member.trim()).matches()) {
        throw new ConfigException("cluster.members", raw, "host:port of each member, separated by commas");
      }
      members.add(member.trim());
    }
    if (enabled && members.isEmpty()) {
      throw new ConfigException("cluster.members", raw,
          "a clustered event bus needs its members, host:port separated by commas (no multicast)");
    }
    return new ClusterConfig(enabled, settings.getString("cluster.host", "127.0.0.1"),
        settings.getInt("cluster.port", 5701, 1, 65_535), List.copyOf(members),
        settings.getInt("cluster.eventBusPort", 0, 0, 65_535), settings.getString("cluster.name", "switchboard"));
  }

  /**
   * Whether this process ({@code cluster.host:cluster.port}) is one of {@code cluster.members}. A
   * listed member may found the cluster alone (the others join when they start); a process that is
   * not listed only joins, so it needs a listed member to answer. Names are compared as given and
   * as resolved addresses.
   */
  public boolean listsItself() {
    for (String member : members) {
      int colon = member.lastIndexOf(':');
      if (Integer.parseInt(member.substring(colon + 1)) == port && sameHost(member.substring(0, colon), host)) {
        return true;
      }
    }
    return false;
  }

  private static boolean sameHost(String a, String b) {
    if (a.equalsIgnoreCase(b)) {
      return true;
    }
    try {
      return java.net.InetAddress.getByName(a).equals(java.net.InetAddress.getByName(b));
    } catch (java.net.UnknownHostException unknown) {
      return false;
    }
  }
}
