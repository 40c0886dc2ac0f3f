package org.pmsql.federation;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import javax.jmdns.JmDNS;
import javax.jmdns.ServiceInfo;

/**
 * pmsql servers in DNS-SD over multicast DNS, as pmcd and pmproxy are found with pmfind: a
 * server advertises the service {@value #SERVICE_TYPE} with a TXT record saying how to reach
 * it and which hosts it holds over what time; clients browse for it.
 */
public final class DnsSd {
  public static final String SERVICE_TYPE = "_pmsql._tcp.local.";
  /** The TXT key of a host's time span: {@code host.NAME=FIRST_MS-LAST_MS} (UTC epoch ms). */
  private static final String HOST_PREFIX = "host.";
  /**
   * A TXT record goes out in one mDNS answer, which must fit a packet; past this many bytes
   * the host list is cut short ({@code hosts_listed} &lt; {@code hosts}), and a client asks
   * the server's pcp.hosts for the rest.
   */
  private static final int TXT_BUDGET = 1300;

  private DnsSd() {}

  /**
   * The TXT record of a server: scheme (http or https), authentication (none, basic, digest),
   * the number of hosts and as many of their time spans as fit.
   */
  public static Map<String, String> txt(String scheme, String authentication,
      List<Federation.HostSpan> hosts) {
    Map<String, String> txt = new LinkedHashMap<>();
    txt.put("txtvers", "1");
    txt.put("scheme", scheme);
    txt.put("auth", authentication);
    txt.put("hosts", Integer.toString(hosts.size()));
    int size = 64;
    int listed = 0;
    for (Federation.HostSpan host : hosts) {
      String key = HOST_PREFIX + host.host();
      String value = host.firstMillis() + "-" + host.lastMillis();
      int entry = 2 + key.getBytes(StandardCharsets.UTF_8).length + value.length();
      if (size + entry > TXT_BUDGET || entry > 255) {
        break;
      }
      size += entry;
      txt.put(key, value);
      listed++;
    }
    txt.put("hosts_listed", Integer.toString(listed));
    return txt;
  }

  /**
   * The URLs of the pmsql servers that answer on the interface of {@code address} (the
   * machine's default one when null) within {@code timeoutSeconds}, sorted.
   */
  public static List<String> browse(String address, int timeoutSeconds) throws IOException {
    InetAddress on = address == null ? null : InetAddress.getByName(address);
    try (JmDNS mdns = JmDNS.create(on, "pmsql-client")) {
      TreeSet<String> urls = new TreeSet<>();
      for (ServiceInfo service : mdns.list(SERVICE_TYPE, timeoutSeconds * 1000L)) {
        url(service).ifPresent(urls::add);
      }
      return new ArrayList<>(urls);
    }
  }

  private static Optional<String> url(ServiceInfo service) {
    String scheme = "https".equals(service.getPropertyString("scheme")) ? "https" : "http";
    // an IPv4 address first: it is what a loopback-only server listens on
    return Arrays.stream(service.getInetAddresses())
        .min(Comparator.comparing(a -> a instanceof Inet6Address))
        .map(address -> scheme + "://" + (address instanceof Inet6Address
            ? "[" + address.getHostAddress() + "]" : address.getHostAddress())
            + ":" + service.getPort());
  }
}
