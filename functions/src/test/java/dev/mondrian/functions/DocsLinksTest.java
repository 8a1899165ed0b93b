package dev.mondrian.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link in the project's Markdown (README.md, docs/, bench/) leads somewhere: to a file that exists
 * and, with a {@code #fragment}, to a heading in it, as GitHub names headings. Links are written relative to the
 * file that holds them, so a paragraph moved from the README into docs/ must have its links rewritten.
 */
class DocsLinksTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#+ (.+)$", Pattern.MULTILINE);

    @Test
    void everyRelativeLinkReachesAFileAndItsHeading() throws IOException {
        List<String> broken = new ArrayList<>();
        Map<Path, Set<String>> headings = new HashMap<>();
        for (Path file : markdown()) {
            Matcher link = LINK.matcher(Files.readString(file));
            while (link.find()) {
                String target = link.group(1);
                if (target.matches("[a-z]+:.*")) {
                    continue;
                }
                int hash = target.indexOf('#');
                String path = hash < 0 ? target : target.substring(0, hash);
                Path reached = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
                String where = ROOT.relativize(file) + ": " + target;
                if (!Files.exists(reached)) {
                    broken.add(where + " (no such file)");
                } else if (hash >= 0 && reached.toString().endsWith(".md")
                        && !headings.computeIfAbsent(reached, DocsLinksTest::headings)
                                .contains(target.substring(hash + 1))) {
                    broken.add(where + " (no such heading)");
                }
            }
        }
        assertThat(broken).as("links that lead nowhere").isEmpty();
    }

    @Test
    void headingsAreNamedAsGitHubNamesThem() {
        assertThat(anchor("LoRA adapters")).isEqualTo("lora-adapters");
        assertThat(anchor("The first minute: Java's AOT cache (issue 23)")).isEqualTo("the-first-minute-javas-aot-cache-issue-23");
        assertThat(anchor("`--slots` and memory")).isEqualTo("--slots-and-memory");
    }

    private static List<Path> markdown() throws IOException {
        List<Path> files = new ArrayList<>(List.of(ROOT.resolve("README.md"), ROOT.resolve("bench/README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(path -> path.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        return files;
    }

    private static Set<String> headings(Path file) {
        try {
            return HEADING.matcher(Files.readString(file)).results().map(heading -> anchor(heading.group(1)))
                    .collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
    static String anchor(String heading) {
        return heading.strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}\\- _]", "").replace(' ', '-');
    }
}
