package dev.muse.hub;

import dev.muse.engine.GgmlType;
import dev.muse.formats.llama2c.Llama2cImporter;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The small model Muse is ready with out of the box: stories260K. {@link #ensure()} looks in this order:
 * <ol>
 *   <li>the model cache: nothing to do;</li>
 *   <li>an offline model folder ($MUSE_OFFLINE_MODELS, a path list; by default a sibling ../shared/models of
 *       the installation when one exists): the llama2.c checkpoint is imported, once. This comes before the
 *       network so an air-gapped machine (and CI) never waits on it, and a machine with the folder never
 *       depends on the hub;</li>
 *   <li>the hub: {@code muse pull stories260k}, SHA-256 pinned.</li>
 * </ol>
 */
public final class BundledModel {
    public static final String NAME = "stories260K";

    private BundledModel() {}

    public static Path ensure() throws IOException {
        Path cache = ModelFiles.cache();
        return ensure(cache, offlineFolders(), new ModelPuller(HubSettings.fromEnvironment(), cache, ProgressBar.onStandardError()));
    }

    static Path ensure(Path cache, List<Path> offlineFolders, ModelPuller puller) throws IOException {
        Path cached = cache.resolve(NAME + ".gguf");
        if (Files.isRegularFile(cached)) return cached;
        for (Path folder : offlineFolders) {
            Path checkpoint = folder.resolve(NAME).resolve("stories260K.bin"), tokenizer = folder.resolve(NAME).resolve("tok512.bin");
            if (Files.isRegularFile(checkpoint) && Files.isRegularFile(tokenizer)) {
                System.err.printf("importing %s from %s into %s%n", NAME, folder, cached);
                Files.createDirectories(cache);
                Path partial = cache.resolve(NAME + ".gguf.import"); // never leave half a model under the real name
                Llama2cImporter.convert(checkpoint, tokenizer, partial, GgmlType.F32);
                Files.move(partial, cached, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                new PullRecord(cached.getFileName().toString(), "import:" + checkpoint.toAbsolutePath().normalize(), null,
                        PullRecord.sha256Of(cached), Files.size(cached), Instant.now(), false).write(cache);
                return cached;
            }
        }
        ModelSource source = ModelAliases.find(NAME).orElseThrow().source();
        try {
            System.err.printf("%s is not in %s nor in an offline model folder %s: pulling %s%n", NAME, cache, offlineFolders, source.spec());
            return puller.pull(source, ModelPuller.Options.DEFAULT).file();
        } catch (PullException e) {
            throw new PullException("the bundled model " + NAME + " is not in the cache (" + cached + ") nor in an offline model folder "
                    + offlineFolders + ", and pulling it failed: " + e.getMessage(), e);
        }
    }

    public static List<Path> offlineFolders() {
        List<Path> folders = new ArrayList<>();
        String env = System.getenv("MUSE_OFFLINE_MODELS");
        if (env != null) for (String p : env.split(File.pathSeparator)) if (!p.isBlank()) folders.add(Path.of(p));
        String root = System.getProperty("muse.root");
        if (root != null) {
            Path sibling = Path.of(root).toAbsolutePath().getParent().resolve("shared").resolve("models");
            if (Files.isDirectory(sibling)) folders.add(sibling.normalize());
        }
        return folders;
    }
}
