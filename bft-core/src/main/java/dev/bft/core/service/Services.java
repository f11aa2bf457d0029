package dev.bft.core.service;

import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Finds a service by the name a user gives: a registered {@link ServiceProvider}'s, or a class name on the classpath. */
public final class Services {
  /** The service a replica runs when none is named. */
  public static final String DEFAULT = "kv";

  private Services() {}

  /** Every registered provider by name, sorted. */
  public static Map<String, ServiceProvider> registered() {
    Map<String, ServiceProvider> out = new TreeMap<>();
    for (ServiceProvider p : ServiceLoader.load(ServiceProvider.class)) {
      out.putIfAbsent(p.name(), p);
    }
    return out;
  }

  /**
   * The provider of {@code nameOrClass}: a registered name, else a public class with a public
   * no-argument constructor that implements {@link ReplicatedService} (or {@link ServiceProvider}).
   * Throws IllegalArgumentException with one line naming the known services otherwise.
   */
  public static ServiceProvider find(String nameOrClass) {
    Map<String, ServiceProvider> known = registered();
    ServiceProvider p = known.get(nameOrClass);
    if (p != null) {
      return p;
    }
    Class<?> c;
    try {
      c = Class.forName(nameOrClass, false, Services.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw unknown(nameOrClass, "is neither a known service nor a class on the classpath", known);
    }
    if (!ReplicatedService.class.isAssignableFrom(c) && !ServiceProvider.class.isAssignableFrom(c)) {
      throw unknown(nameOrClass, "is a class but implements neither ReplicatedService nor ServiceProvider", known);
    }
    Constructor<?> constructor;
    try {
      constructor = c.getConstructor();
    } catch (NoSuchMethodException e) {
      throw unknown(nameOrClass, "has no public no-argument constructor", known);
    }
    if (Modifier.isAbstract(c.getModifiers()) || !Modifier.isPublic(c.getModifiers())) {
      throw unknown(nameOrClass, "is not a public concrete class", known);
    }
    if (ServiceProvider.class.isAssignableFrom(c)) {
      return (ServiceProvider) instantiate(constructor);
    }
    return new ServiceProvider() {
      @Override
      public String name() {
        return c.getName();
      }

      @Override
      public String description() {
        return "the class " + c.getName();
      }

      @Override
      public ReplicatedService create() {
        return (ReplicatedService) instantiate(constructor);
      }
    };
  }

  private static Object instantiate(Constructor<?> constructor) {
    try {
      return constructor.newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot create " + constructor.getDeclaringClass().getName() + ": " + e.getCause(), e);
    }
  }

  private static IllegalArgumentException unknown(String name, String why, Map<String, ServiceProvider> known) {
    return new IllegalArgumentException("--service " + name + " " + why + " (known services: "
        + String.join(", ", known.keySet()) + "; or a class name)");
  }

  /** The key-value store, the default. */
  public static final class KeyValue implements ServiceProvider {
    @Override
    public String name() {
      return "kv-heap";
    }

    @Override
    public String description() {
      return "the key-value store with its state in the heap (a state that fits in memory; the simulator's)";
    }

    @Override
    public ReplicatedService create() {
      return new KeyValueService();
    }
  }
}
