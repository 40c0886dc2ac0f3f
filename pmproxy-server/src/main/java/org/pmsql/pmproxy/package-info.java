/**
 * pmproxy's REST API as a front-end of {@code pmsql serve} ({@code --pmproxy-port}): the series
 * endpoints grafana-pcp's Valkey data source calls and the PMAPI endpoints its Vector data
 * source polls, answered through SQL from each host's catalog, series and metrics tables, with
 * pmproxy's parameters, JSON and identifiers.
 */
package org.pmsql.pmproxy;
