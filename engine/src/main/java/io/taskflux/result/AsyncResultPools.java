package io.taskflux.result;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;

/** The {@link AsyncResultPool#pools} factory: built-in types, then service-loaded providers. */
final class AsyncResultPools {

  private AsyncResultPools() {}

  static AsyncResultPool create(String type, AsyncResultPoolOptions options) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(options, "options");
    switch (type) {
      case "local":
        return new LocalAsyncResultPool(options.maxLen(), options.maxExpire(), options.clock());
      case "backend":
        if (options.backend() == null) {
          throw new IllegalArgumentException("a \"backend\" pool needs options.backend()");
        }
        return AsyncResultPool.onBackend(options.backend(), options.name(), options.maxExpire());
      default:
        List<String> known = new ArrayList<>(List.of("local", "backend"));
        for (AsyncResultPool.Provider provider :
            ServiceLoader.load(AsyncResultPool.Provider.class)) {
          if (provider.type().equals(type)) {
            return provider.create(options);
          }
          known.add(provider.type());
        }
        throw new IllegalArgumentException(
            "unknown async result pool type '" + type + "'; known: " + known);
    }
  }
}
