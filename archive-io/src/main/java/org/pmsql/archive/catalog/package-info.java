/**
 * The archive catalog: what was learnt from reading each archive once (files, label, end time,
 * metric names), kept in Chronicle Map files that every pmsql process on the machine shares, so
 * an archive is described rather than read while its files are unchanged.
 */
package org.pmsql.archive.catalog;
