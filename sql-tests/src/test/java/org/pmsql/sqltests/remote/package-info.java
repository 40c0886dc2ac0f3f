/**
 * pmsql serve as remote clients use it: streams and loads over Avatica, the serve command, and
 * servers found by DNS-SD.
 */
package org.pmsql.sqltests.remote;
