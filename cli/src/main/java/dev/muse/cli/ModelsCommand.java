package dev.muse.cli;

import dev.muse.formats.TensorSource;
import dev.muse.formats.detect.WeightFiles;
import dev.muse.hub.ModelFiles;
import dev.muse.hub.ModelAliases;
import dev.muse.hub.ProgressBar;
import dev.muse.hub.PullRecord;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

/** `muse models`: what is in the model cache, and where each file came from. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List the models in the cache: size, architecture (from the GGUF metadata), SHA-256 and origin when pulled.")
final class ModelsCommand implements Callable<Integer> {
    @Override public Integer call() throws IOException {
        Path cache = ModelFiles.cache();
        PrintStream out = System.out;
        List<Path> files = Files.isDirectory(cache) ? list(cache) : List.of();
        List<Path> models = files.stream().filter(p -> isModel(cache, p)).toList();
        if (models.isEmpty()) {
            out.println("no models in " + cache + " yet: muse pull stories260k, or copy a .gguf file there");
        } else {
            out.printf("%-36s %9s  %-10s %-13s %s%n", "NAME", "SIZE", "ARCH", "SHA256", "ORIGIN");
            for (Path model : models) {
                String file = model.getFileName().toString();
                PullRecord record = PullRecord.read(cache, file).orElse(null);
                String sha = record == null || record.sha256() == null ? "-" : record.sha256().substring(0, 12) + (record.verified() ? " " : "*");
                out.printf("%-36s %9s  %-10s %-13s %s%n", Printable.of(ModelFiles.idOf(model)),
                        ProgressBar.humanBytes(Files.size(model)), Printable.of(architecture(model)), sha, record == null ? "-" : Printable.of(record.origin()));
            }
            if (models.stream().anyMatch(m -> PullRecord.read(cache, m.getFileName().toString()).filter(r -> !r.verified()).isPresent()))
                out.println("* recorded, not verified against a published SHA-256");
        }
        for (Path p : files)
            if (p.getFileName().toString().endsWith(".part"))
                out.printf("partial download: %s (%s; muse pull again to resume)%n", p.getFileName(), ProgressBar.humanBytes(Files.size(p)));
        out.println("cache: " + cache);
        out.println("pull by name (muse pull NAME, then muse run NAME, muse transcribe FILE for a whisper model, muse draw for a pipeline):");
        for (ModelAliases.Alias alias : ModelAliases.all()) {
            Path last = alias.isFolder() ? cache.resolve(alias.name()).resolve(alias.lastFile()) : cache.resolve(alias.source().fileName());
            out.printf("  %-24s %s%s%n", alias.name(), alias.description(), Files.isRegularFile(last) ? " (in the cache)" : "");
        }
        return 0;
    }

    private static List<Path> list(Path cache) throws IOException {
        try (Stream<Path> s = Files.list(cache)) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }

    /** GGUF files, whisper.cpp's model files, and anything else muse pulled; not partial downloads or imports under way. */
    private static boolean isModel(Path cache, Path p) {
        String name = p.getFileName().toString();
        return name.endsWith(".gguf") || ModelFiles.isSpeech(p) || !name.endsWith(".part") && !name.endsWith(".import") && PullRecord.read(cache, name).isPresent();
    }

    private static String architecture(Path model) {
        try (TensorSource file = WeightFiles.open(model)) {
            return file.metadata().getString("general.architecture", "?");
        } catch (IOException | RuntimeException e) {
            return "unreadable"; // a listing must not fail on one bad file; muse inspect says why
        }
    }
}
