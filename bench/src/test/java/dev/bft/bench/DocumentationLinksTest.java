package dev.bft.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documentation stands on its own: every relative link in README.md and docs/ reaches a file
 * of the repository (and a heading of it, when it names one), no page names a markdown file a
 * clone does not have, and the README's documentation list has every page of docs/.
 */
class DocumentationLinksTest {
  private static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();

  @Test
  void everyLinkOfTheReadmeAndTheDocsResolvesInsideTheRepository() throws IOException {
    List<Path> pages = new ArrayList<>();
    pages.add(REPO.resolve("README.md"));
    try (Stream<Path> docs = Files.walk(REPO.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    assertThat(pages).as("README.md and the docs pages").hasSizeGreaterThan(5);

    MarkdownLinks links = new MarkdownLinks(REPO);
    List<String> problems = new ArrayList<>();
    pages.forEach(page -> problems.addAll(links.problems(page)));
    assertThat(problems).as("broken links in README.md and docs/").isEmpty();
  }

  @Test
  void theReadmeListsEveryDocsPage() throws IOException {
    String readme = Files.readString(REPO.resolve("README.md"));
    int start = readme.indexOf("\n## Documentation\n");
    assertThat(start).as("README.md has a Documentation section").isNotNegative();
    int end = readme.indexOf("\n## ", start + 1);
    String index = readme.substring(start, end < 0 ? readme.length() : end);
    List<String> unlisted = new ArrayList<>();
    try (Stream<Path> docs = Files.list(REPO.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(page -> {
        String link = "](docs/" + page.getFileName() + ")";
        if (!index.contains(link)) {
          unlisted.add("docs/" + page.getFileName());
        }
      });
    }
    assertThat(unlisted).as("docs pages without a line in the README's documentation list").isEmpty();
  }

  @Test
  void theCheckerCatchesEveryKindOfBrokenLinkPlantedInAPage(@TempDir Path dir) throws IOException {
    Path repo = Files.createDirectories(dir.resolve("repo"));
    Files.createDirectories(repo.resolve("docs"));
    Files.writeString(dir.resolve("OUTSIDE.md"), "# Outside\n");
    Files.writeString(repo.resolve("docs/other.md"), """
        # Other page
        ## Where the targets stand (2026-12-03)
        ## The suite, `bin/bft bench`
        Some text. <a id="explicit"></a>
        ```
        # not a heading
        ```
        """);
    Files.writeString(repo.resolve("docs/page.md"), """
        # Page
        [fine](other.md) [fine anchor](other.md#where-the-targets-stand-2026-12-03)
        [code in heading](other.md#the-suite-binbft-bench) [explicit](other.md#explicit) [self](#page)
        [web](https://example.org/missing.md) and other.md by name
        [missing file](gone.md)
        [missing anchor](other.md#no-such-heading)
        [fenced heading](other.md#not-a-heading)
        [outside](../../OUTSIDE.md)
        as DESIGN.md says
        ```
        [inside a code block](gone-too.md)
        ```
        """);

    List<String> problems = new MarkdownLinks(repo).problems(repo.resolve("docs/page.md"));

    assertThat(problems).containsExactly(
        "docs/page.md:5: links gone.md, which does not exist",
        "docs/page.md:6: links other.md#no-such-heading, but docs/other.md has no heading or anchor 'no-such-heading'",
        "docs/page.md:7: links other.md#not-a-heading, but docs/other.md has no heading or anchor 'not-a-heading'",
        "docs/page.md:8: links ../../OUTSIDE.md, which leaves the repository",
        "docs/page.md:9: names DESIGN.md, which is not in the repository");
  }

  @Test
  void headingAnchorsFollowGitHub() {
    assertThat(MarkdownLinks.slug("Where the targets stand (2026-12-03)")).isEqualTo("where-the-targets-stand-2026-12-03");
    assertThat(MarkdownLinks.slug("The shell's threat model")).isEqualTo("the-shells-threat-model");
    assertThat(MarkdownLinks.slug("Tuning for throughput")).isEqualTo("tuning-for-throughput");
    assertThat(MarkdownLinks.slug("See [the wire](wire-format.md) now")).isEqualTo("see-the-wire-now");
  }
}
