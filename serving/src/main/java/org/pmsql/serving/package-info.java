/**
 * The serving core every front-end of {@code pmsql serve} stands on, whatever protocol it
 * speaks: who is calling ({@link org.pmsql.serving.Caller}), the sessions that own
 * connections and statements and enforce caps, timeouts, idle sweeping and the memory guard
 * ({@link org.pmsql.serving.Sessions}), the users file read strictly
 * ({@link org.pmsql.serving.UsersFile}), failed logins counted for throttling
 * ({@link org.pmsql.serving.FailedLogins}), the bounds on a client's SQL
 * ({@link org.pmsql.serving.SqlLimits}), the pump that hands out a live stream's rows in
 * batches ({@link org.pmsql.serving.StreamPump}), requests to log metrics not logged yet
 * ({@link org.pmsql.serving.LogRequests}, {@code pcp.log_requests}, log_missing_ms), and the
 * catalog tables a server adds ({@code pcp.server_status}, {@code pcp.functions}). Avatica is
 * one front-end on it ({@code org.pmsql.server}); the PostgreSQL wire and pmproxy's REST API
 * are to be others.
 */
package org.pmsql.serving;
