/** Example task modules shipped with the command line (the README's walkthrough uses them). */
package io.taskflux.cli.examples;
