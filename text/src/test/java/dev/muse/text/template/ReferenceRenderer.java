package dev.muse.text.template;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs Hugging Face's own chat-template implementation ({@code @huggingface/jinja}, installed by the
 * build into target/template-reference) through src/test/node/template/render.mjs, so tests can
 * compare Muse's output with it byte for byte.
 */
final class ReferenceRenderer {
    /** "Now" for strftime_now in both engines, so date-stamped templates are reproducible. */
    static final Instant NOW = Instant.parse("2025-07-26T10:30:00Z");

    static Clock clock() { return Clock.fixed(NOW, ZoneOffset.UTC); }

    enum Kind { OK, RAISED, ERROR }

    /** The reference's result: the rendered text, or the message of the exception it threw. */
    record Result(Kind kind, String text) {}

    /** One case of a batch: a template file and its context. */
    record Case(Path template, Map<String, ?> context) {}

    private final Path dir;

    private ReferenceRenderer(Path dir) {
        this.dir = dir;
    }

    /** Fails (never skips) when the build did not install the reference. */
    static ReferenceRenderer installed() {
        Path dir = Path.of(System.getProperty("basedir", System.getProperty("user.dir")), "target", "template-reference");
        if (!Files.isRegularFile(dir.resolve("render.mjs")) || !Files.isDirectory(dir.resolve("node_modules/@huggingface/jinja"))) {
            throw new IllegalStateException("reference renderer missing in " + dir
                    + ": run the build through Maven (generate-test-resources runs `npm ci` there; node and npm must be installed)");
        }
        return new ReferenceRenderer(dir);
    }

    /** Renders one case in its own node process, as the reference script's single-case mode does. */
    Result render(Path template, Map<String, ?> context) {
        Path work = tempDir();
        try {
            Path contextFile = work.resolve("context.json");
            Files.writeString(contextFile, toJson(context), StandardCharsets.UTF_8);
            Path stdout = work.resolve("stdout"), stderr = work.resolve("stderr");
            int exit = run(List.of(template.toString(), contextFile.toString()), stdout, stderr, 60);
            return switch (exit) {
                case 0 -> new Result(Kind.OK, Files.readString(stdout, StandardCharsets.UTF_8));
                case 3 -> new Result(Kind.RAISED, Files.readString(stderr, StandardCharsets.UTF_8));
                case 2 -> new Result(Kind.ERROR, Files.readString(stderr, StandardCharsets.UTF_8));
                default -> throw new IllegalStateException("reference renderer failed (exit " + exit + "): " + Files.readString(stderr));
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteTree(work);
        }
    }

    /** Renders many cases in one node process (batch mode); results are in case order. */
    List<Result> renderAll(List<Case> cases) {
        Path work = tempDir();
        try {
            List<Object> json = new ArrayList<>();
            for (Case c : cases) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("template", c.template().toAbsolutePath().toString());
                entry.put("context", c.context());
                json.add(entry);
            }
            Path casesFile = work.resolve("cases.json");
            Files.writeString(casesFile, toJson(json), StandardCharsets.UTF_8);
            Path out = Files.createDirectories(work.resolve("out"));
            int exit = run(List.of("--batch", casesFile.toString(), out.toString()), work.resolve("stdout"), work.resolve("stderr"), 600);
            if (exit != 0) throw new IllegalStateException("reference batch failed (exit " + exit + "): " + Files.readString(work.resolve("stderr")));
            List<Result> results = new ArrayList<>();
            for (int i = 0; i < cases.size(); i++) {
                Result r = null;
                for (Kind k : Kind.values()) {
                    Path file = out.resolve(i + "." + k.name().toLowerCase());
                    if (Files.exists(file)) r = new Result(k, Files.readString(file, StandardCharsets.UTF_8));
                }
                if (r == null) throw new IllegalStateException("reference batch wrote no result for case " + i);
                results.add(r);
            }
            return results;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteTree(work);
        }
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int run(List<String> args, Path stdout, Path stderr, int timeoutSeconds) throws IOException {
        List<String> command = new ArrayList<>(List.of("node", dir.resolve("render.mjs").toString()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        pb.environment().put("TZ", "UTC");
        pb.environment().put("LC_ALL", "C.UTF-8");
        pb.environment().put("MUSE_TEMPLATE_NOW", NOW.toString());
        Process p = pb.start();
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("reference renderer timed out after " + timeoutSeconds + " s: " + command);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return p.exitValue();
    }

    private static Path tempDir() {
        try {
            Path target = Path.of(System.getProperty("basedir", System.getProperty("user.dir")), "target");
            return Files.createTempDirectory(Files.createDirectories(target), "template-reference-run");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** JSON for the node side, written by Muse's own tojson (plain, non-ASCII kept). */
    static String toJson(Object value) {
        Budget budget = new Budget(RenderLimits.DEFAULT);
        return Json.encode(Values.fromJava(value, 0, RenderLimits.DEFAULT), Json.TOJSON, budget);
    }
}
