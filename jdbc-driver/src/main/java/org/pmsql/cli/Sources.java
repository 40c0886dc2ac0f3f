package org.pmsql.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.pmsql.jdbc.ConnectProperties;
import org.pmsql.jdbc.PcpDriver;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where a command's SQL reads: local archives (and the catalog kept of them), or pmsql servers
 * listed or found in DNS-SD (the jdbc:pcp: properties archives, catalog, servers, discover and
 * discover_address).
 */
final class Sources {
  @Option(names = "--archives", paramLabel = "PATH[,PATH...]",
      description = "Archives, directories or pmlogger roots (default: PCP_ARCHIVE_DIR).")
  String archives;

  @Option(names = "--catalog", paramLabel = "DIR",
      description = "Where the archive catalog is kept, or 'none' (default: PMSQL_CATALOG,"
          + " else ~/.cache/pmsql for sets of more than 8 archives).")
  String catalog;

  @Option(names = "--servers", paramLabel = "URL[,URL...]",
      description = "Read these pmsql servers (http(s)://HOST:PORT of pmsql serve) as one,"
          + " instead of local archives.")
  String servers;

  @Mixin DiscoverOptions discovery = new DiscoverOptions();

  boolean federated() {
    return servers != null || discovery.discover;
  }

  Properties properties() {
    Properties properties = new Properties();
    properties.putAll(settings());
    return properties;
  }

  /** The jdbc:pcp: URL with these settings. */
  String url() {
    StringBuilder url = new StringBuilder(PcpDriver.PREFIX);
    settings().forEach((key, value) ->
        url.append(url.length() > PcpDriver.PREFIX.length() ? ";" : "").append(key).append('=')
            .append(value));
    return url.toString();
  }

  private Map<String, String> settings() {
    Map<String, String> settings = new LinkedHashMap<>();
    if (archives != null) {
      settings.put(ConnectProperties.ARCHIVES.key, archives);
    }
    if (catalog != null) {
      settings.put(ConnectProperties.CATALOG.key, catalog);
    }
    if (servers != null) {
      settings.put(ConnectProperties.SERVERS.key, servers);
    }
    if (discovery.discover) {
      settings.put(ConnectProperties.DISCOVER.key, "true");
      if (discovery.address != null) {
        settings.put(ConnectProperties.DISCOVER_ADDRESS.key, discovery.address);
      }
      settings.put(ConnectProperties.DISCOVER_TIMEOUT.key,
          Integer.toString(discovery.timeoutSeconds));
    }
    return settings;
  }
}
