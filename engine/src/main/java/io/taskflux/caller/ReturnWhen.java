package io.taskflux.caller;

/** When {@link Caller#wait} returns, besides its timeout. */
public enum ReturnWhen {
  /** As soon as any item is done (an item already done counts at once). */
  FIRST_COMPLETED,
  /** As soon as any item failed or was cancelled (cancellation counts), or when all are done. */
  FIRST_EXCEPTION,
  /** When every item is done. */
  ALL_COMPLETED
}
