package dev.switchboard.testing;

import java.util.Map;

/** The stores a test runs on: the embedded H2 (in memory) and a fresh database of {@link SharedPostgres}. */
public enum TestStore {
  H2,
  POSTGRES;

  /** The settings that put a node or a store on this kind of store (for PostgreSQL, skipped where it is not installed). */
  public Map<String, String> settings() {
    return this == POSTGRES ? SharedPostgres.freshStore() : Map.of("store.path", "");
  }
}
