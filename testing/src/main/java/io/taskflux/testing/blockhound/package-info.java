/** BlockHound settings shared by every module's tests (registered as a service). */
package io.taskflux.testing.blockhound;
