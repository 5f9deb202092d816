/**
 * Helpers shared by several taskflux packages. Not API: anything here may change without notice.
 */
package io.taskflux.internal;
