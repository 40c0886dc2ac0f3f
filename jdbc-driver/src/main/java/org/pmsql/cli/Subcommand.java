package org.pmsql.cli;

/**
 * A picocli command that another module adds to pmsql (listed in
 * META-INF/services/org.pmsql.cli.Subcommand), such as {@code serve}, which needs the server
 * libraries the driver jar leaves out.
 */
public interface Subcommand {}
