/**
 * Following archives as pmlogger writes them: SELECT STREAM from history into live, and
 * requests to log metrics not logged yet (a real pmcd and pmlogger; a container when Docker runs).
 */
package org.pmsql.sqltests.live;
