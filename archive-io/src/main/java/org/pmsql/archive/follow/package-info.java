/**
 * Following archives while pmlogger writes them: a tail that reads whole records as they land
 * and takes in new metadata, and a cursor that runs from the archives written so far into those
 * still growing, and on into the next volume or archive.
 */
package org.pmsql.archive.follow;
