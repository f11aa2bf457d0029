package dev.bft.bench.deploy;

import dev.bft.client.cli.BftMain;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;

/**
 * What the image's default command expects a deployment to provide: the paths of the cluster file,
 * the replica's key and its data volume, read with bft's own command line; and what else the
 * image says: its name, exposed ports and user.
 */
record ImageCommand(String name, String config, String key, String data, Set<Integer> exposedPorts, long uid) {
  static ImageCommand of(ImageTarball image) {
    List<String> cmd = DeploymentImageTest.list(image.config.get("Cmd"));
    CommandLine.ParseResult replica = BftMain.commandLine().parseArgs(cmd.toArray(String[]::new)).subcommand();
    Set<Integer> ports = new TreeSet<>();
    for (String p : DeploymentImageTest.map(image.config.get("ExposedPorts")).keySet()) {
      ports.add(Integer.parseInt(p.replace("/tcp", "")));
    }
    String user = (String) image.config.get("User");
    return new ImageCommand(image.repoTags.get(0), value(replica, "--config"), value(replica, "--key"), value(replica, "--data"),
        ports, user == null ? 0 : Long.parseLong(user.split(":")[0]));
  }

  private static String value(CommandLine.ParseResult replica, String option) {
    java.nio.file.Path p = replica.matchedOptionValue(option, (java.nio.file.Path) null);
    if (p == null) {
      throw new AssertionError("the image's command has no " + option);
    }
    return p.toString();
  }
}
