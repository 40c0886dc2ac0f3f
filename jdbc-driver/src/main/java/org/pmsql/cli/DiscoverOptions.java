package org.pmsql.cli;

import picocli.CommandLine.Option;

/** Finding pmsql servers in DNS-SD (multicast DNS): {@code --discover [--discover-address]}. */
public final class DiscoverOptions {
  @Option(names = "--discover",
      description = "Also the pmsql servers advertised in DNS-SD (pmsql serve --advertise).")
  public boolean discover;

  @Option(names = "--discover-address", paramLabel = "ADDRESS",
      description = "Browse DNS-SD on the interface of this address (default: the default"
          + " interface).")
  public String address;
}
