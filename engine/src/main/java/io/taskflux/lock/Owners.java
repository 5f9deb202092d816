package io.taskflux.lock;

/**
 * Owner ids in the seed's format: {@code lock:{host}}, {@code lock:{host}:process:{pid}} and {@code
 * lock:{host}:process:{pid}:thread:{tid}}. The host name is read once, from the {@code
 * HOSTNAME}/{@code COMPUTERNAME} environment (no DNS lookup, which could block), falling back to
 * {@code localhost}.
 */
final class Owners {

  private static final String HOST = "lock:" + hostName();
  private static final String PROCESS = HOST + ":process:" + ProcessHandle.current().pid();

  private Owners() {}

  static String host() {
    return HOST;
  }

  static String process() {
    return PROCESS;
  }

  static String thread() {
    return PROCESS + ":thread:" + Thread.currentThread().getId();
  }

  private static String hostName() {
    for (String variable : new String[] {"HOSTNAME", "COMPUTERNAME"}) {
      String value = System.getenv(variable);
      if (value != null && !value.isBlank()) {
        return value.trim();
      }
    }
    return "localhost";
  }
}
