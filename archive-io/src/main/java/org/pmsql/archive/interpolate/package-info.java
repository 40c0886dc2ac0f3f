/**
 * Values at regular times by libpcp's interpolation rules, as pmrep and pmval give them from
 * an archive with an interval.
 */
package org.pmsql.archive.interpolate;
