package org.pmsql.server;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.jmdns.JmDNS;
import javax.jmdns.ServiceInfo;
import org.pmsql.archive.source.DaemonThreads;
import org.pmsql.federation.DnsSd;
import org.pmsql.federation.Federation;

/**
 * pmsql serve in DNS-SD (multicast DNS), as pmcd advertises itself for pmfind: the service
 * {@value DnsSd#SERVICE_TYPE} on one interface, its TXT record naming the scheme, the
 * authentication and the hosts served with their time spans, re-announced when they change.
 */
final class Advertiser implements AutoCloseable {
  private static final long REFRESH_SECONDS = 60;

  private final JmDNS mdns;
  private final ScheduledExecutorService refresher;

  private Advertiser(JmDNS mdns, ScheduledExecutorService refresher) {
    this.mdns = mdns;
    this.refresher = refresher;
  }

  static Advertiser start(InetAddress on, int port, String scheme, String authentication,
      Callable<List<Federation.HostSpan>> hosts) throws Exception {
    String machine = InetAddress.getLocalHost().getHostName();
    // a host name of its own: several servers on one machine must not contend for one name
    JmDNS mdns = JmDNS.create(on, "pmsql-" + port + "-" + machine);
    try {
      Map<String, String> txt = DnsSd.txt(scheme, authentication, hosts.call());
      ServiceInfo service = ServiceInfo.create(DnsSd.SERVICE_TYPE,
          "pmsql on " + machine + " port " + port, port, 0, 0, txt);
      mdns.registerService(service);
      ScheduledExecutorService refresher =
          Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("pmsql-advertise"));
      AtomicReference<Map<String, String>> announced = new AtomicReference<>(txt);
      refresher.scheduleWithFixedDelay(() -> {
        try {
          Map<String, String> now = DnsSd.txt(scheme, authentication, hosts.call());
          if (!now.equals(announced.get())) {
            service.setText(now);
            announced.set(now);
          }
        } catch (Exception e) {
          // the archives could not be listed this time; the last announcement stands
        }
      }, REFRESH_SECONDS, REFRESH_SECONDS, TimeUnit.SECONDS);
      return new Advertiser(mdns, refresher);
    } catch (Exception e) {
      mdns.close();
      throw e;
    }
  }

  /** The address of the interface it is advertised on. */
  String address() throws IOException {
    return mdns.getInetAddress().getHostAddress();
  }

  /**
   * Withdraws the service (a goodbye announcement), so browsers forget it at once; a second
   * call does nothing.
   */
  @Override
  public synchronized void close() {
    if (refresher.isShutdown()) {
      return;
    }
    refresher.shutdownNow();
    mdns.unregisterAllServices();
    try {
      mdns.close();
    } catch (IOException e) {
      // the process is ending; its socket goes with it
    }
  }
}
