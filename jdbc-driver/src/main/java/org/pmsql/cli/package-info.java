/**
 * The {@code pmsql} command line: {@code shell}, {@code query} and {@code dump} over the
 * jdbc:pcp: driver, where their SQL reads ({@code --archives}, {@code --servers},
 * {@code --discover}), how results and errors are printed, and progress on long scans.
 * Commands that need more than the driver ({@code serve}, {@code find}) join as
 * {@link org.pmsql.cli.Subcommand}s from their own module.
 */
package org.pmsql.cli;
