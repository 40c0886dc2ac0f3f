/**
 * Hadoop file systems (hdfs://, s3a://, any scheme Hadoop is configured for) as read-only
 * java.nio file systems, so that archive-io reads archives on them as it reads local ones:
 * directory listings, file attributes, and positioned (ranged) reads of volumes, never whole
 * copies. Spark's Hadoop configuration decides how each scheme is reached.
 */
package org.pmsql.spark.hadoop;
