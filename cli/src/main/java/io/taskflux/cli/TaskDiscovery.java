package io.taskflux.cli;

import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.ServiceLoader;

/** Finds {@link TaskModule}s by class name or through {@link ServiceLoader}, and loads them. */
final class TaskDiscovery {

  private TaskDiscovery() {}

  /**
   * Loads the named modules, or every {@link ServiceLoader} module of {@code loader} when none is
   * named.
   *
   * @throws CliException (usage) if a class is missing or no module, if two tasks share a name, or
   *     if no task is found at all
   */
  static TaskRegistry load(List<String> classNames, ClassLoader loader) {
    TaskRegistry registry = loadAny(classNames, loader);
    if (registry.isEmpty()) {
      throw new CliException(
          CliException.USAGE,
          "no tasks found: pass --tasks CLASS[,CLASS...] naming classes that implement "
              + TaskModule.class.getName()
              + (classNames.isEmpty()
                  ? ", or list them in META-INF/services/" + TaskModule.class.getName()
                  : " and register at least one task"));
    }
    return registry;
  }

  /**
   * Like {@link #load}, but finding no task is not an error (a producer may submit to a queue by
   * name).
   */
  static TaskRegistry loadAny(List<String> classNames, ClassLoader loader) {
    TaskRegistry registry = new TaskRegistry();
    if (classNames.isEmpty()) {
      for (TaskModule module : ServiceLoader.load(TaskModule.class, loader)) {
        registry.loading(module.getClass().getName());
        module.register(registry);
      }
    } else {
      for (String name : classNames) {
        registry.loading(name);
        instantiate(name, loader).register(registry);
      }
    }
    return registry;
  }

  private static TaskModule instantiate(String className, ClassLoader loader) {
    Class<?> type;
    try {
      type = Class.forName(className.trim(), true, loader);
    } catch (ClassNotFoundException e) {
      throw new CliException(
          CliException.USAGE, "task module class not found on the class path: " + className);
    }
    if (!TaskModule.class.isAssignableFrom(type)) {
      throw new CliException(
          CliException.USAGE, className + " does not implement " + TaskModule.class.getName());
    }
    try {
      return (TaskModule) type.getConstructor().newInstance();
    } catch (NoSuchMethodException | IllegalAccessException | InstantiationException e) {
      throw new CliException(
          CliException.USAGE, className + " needs a public no-argument constructor");
    } catch (InvocationTargetException e) {
      throw new CliException(
          CliException.USAGE, className + " failed to construct: " + e.getCause());
    }
  }
}
