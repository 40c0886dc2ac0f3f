/**
 * What every module's tests share, from archive-io's test jar: PCP's tools and corpus
 * ({@link org.pmsql.testsupport.PcpTools}), libpcp's own totals of an archive, fleets of
 * archives made by pmlogrewrite, a pmlogger recording from pmcd, pmrep, and a pmsql server in a
 * process of its own.
 */
package org.pmsql.testsupport;
