package dev.switchboard.platform.config;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Store settings")
class StoreSettingsTest {

  @Test
  @DisplayName("no store.url: the embedded H2, in the store.path directory")
  void h2ByDefault() {
    StoreSettings settings = StoreSettings.from(Settings.of(Map.of("store.path", "data/x")));
    assertThat(settings.postgres()).isFalse();
    assertThat(settings.describe()).startsWith("H2 database in ").endsWith("data/x");
  }

  @Test
  @DisplayName("store.url: PostgreSQL with the pool size asked for, store.path not used")
  void postgres() {
    StoreSettings settings = StoreSettings.from(Settings.of(Map.of("store.url", "jdbc:postgresql://db:5432/orders",
        "store.user", "sb", "store.poolSize", "16", "store.path", "data/x")));
    assertThat(settings.postgres()).isTrue();
    assertThat(settings.path()).isEmpty();
    assertThat(settings.poolSize()).isEqualTo(16);
    assertThat(settings.describe()).isEqualTo("PostgreSQL database jdbc:postgresql://db:5432/orders as sb, pool of 16");
  }

  @Test
  @DisplayName("the password is masked in toString(), in the URL's parameters too")
  void passwordMasked() {
    StoreSettings settings = StoreSettings.from(Settings.of(Map.of("store.url",
        "jdbc:postgresql://db:5432/orders?sslmode=require&password=hunter2-url", "store.password", "hunter2-key")));
    assertThat(settings.toString()).doesNotContain("hunter2").contains("password=*****");
    assertThat(settings.describe()).doesNotContain("hunter2");
    assertThat(settings.setting()).doesNotContain("hunter2");
    assertThat(Settings.of(Map.of("store.password", "hunter2")).toString()).doesNotContain("hunter2");
  }

  @Test
  @DisplayName("a URL that is not PostgreSQL's is refused, naming the key, the value and what is allowed")
  void wrongUrl() {
    assertThatThrownBy(() -> StoreSettings.from(Settings.of(Map.of("store.url", "jdbc:mysql://db/orders?password=x"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("store.url")
        .hasMessageContaining("jdbc:mysql://db/orders?password=*****")
        .hasMessageContaining("jdbc:postgresql://host:port/database")
        .hasMessageNotContaining("password=x");
  }

  @Test
  @DisplayName("a pool size out of range is refused")
  void poolSize() {
    assertThatThrownBy(() -> StoreSettings.from(Settings.of(Map.of("store.url", "jdbc:postgresql://db/o",
        "store.poolSize", "0")))).isInstanceOf(ConfigException.class).hasMessageContaining("store.poolSize");
  }
}
