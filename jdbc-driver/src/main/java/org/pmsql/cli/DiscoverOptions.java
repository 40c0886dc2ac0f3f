package org.pmsql.cli;

import picocli.CommandLine.Option;

/**
 * Finding pmsql servers in DNS-SD (multicast DNS): {@code --discover [--discover-address A]
 * [--discover-timeout S]}.
 */
public final class DiscoverOptions {
  @Option(names = "--discover",
      description = "Also the pmsql servers advertised in DNS-SD (pmsql serve --advertise).")
  public boolean discover;

  @Option(names = "--discover-address", paramLabel = "ADDRESS",
      description = "Browse DNS-SD on the interface of this address (default: the default"
          + " interface).")
  public String address;

  @Option(names = "--discover-timeout", paramLabel = "SECONDS", defaultValue = "3",
      description = "How long to listen for DNS-SD answers. Default ${DEFAULT-VALUE}.")
  public int timeoutSeconds;
}
