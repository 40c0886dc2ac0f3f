/**
 * pmsql's SQL functions checked against PCP's own computation: ASOF joins, buckets, counter
 * aggregates, interpolate (pmrep -t), latest values, time_bucket.
 */
package org.pmsql.sqltests.functions;
