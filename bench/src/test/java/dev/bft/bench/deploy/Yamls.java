package dev.bft.bench.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** YAML as plain maps and lists (SafeConstructor: the files name no classes), absent as empty. */
final class Yamls {
  private Yamls() {}

  static Map<String, Object> load(Path file) throws IOException {
    return map(yaml().load(Files.readString(file)));
  }

  static List<Map<String, Object>> loadAll(Path file) throws IOException {
    List<Map<String, Object>> documents = new ArrayList<>();
    for (Object d : yaml().loadAll(Files.readString(file))) {
      if (d != null) {
        documents.add(map(d));
      }
    }
    return documents;
  }

  private static Yaml yaml() {
    return new Yaml(new SafeConstructor(new LoaderOptions()));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return o == null ? Map.of() : (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object o) {
    return o == null ? List.of() : (List<Object>) o;
  }

  /** Follows keys through nested maps: {@code at(pod, "spec", "template", "spec")}. */
  static Map<String, Object> at(Map<String, Object> root, String... keys) {
    Map<String, Object> m = root;
    for (String k : keys) {
      m = map(m.get(k));
    }
    return m;
  }
}
