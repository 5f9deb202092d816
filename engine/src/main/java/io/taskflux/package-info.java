/**
 * taskflux: a reactive, non-blocking async task engine. The entry points live in the feature
 * packages below this one; {@link io.taskflux.Taskflux} tells the build's version.
 */
package io.taskflux;
