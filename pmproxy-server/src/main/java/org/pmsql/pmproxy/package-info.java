/**
 * pmproxy's REST API as a front-end of {@code pmsql serve} ({@code --pmproxy-port}): the series
 * endpoints grafana-pcp's Valkey data source calls, answered through SQL from each host's
 * series tables and metrics table, with pmproxy's parameters, JSON and identifiers.
 */
package org.pmsql.pmproxy;
