package dev.muse.runtime;

import dev.muse.engine.GgmlType;
import dev.muse.formats.llama2c.Llama2cImporter;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The small model Muse is ready with out of the box: stories260K. On an air-gapped machine it is
 * imported from an offline model folder ($MUSE_OFFLINE_MODELS, a path list; by default a sibling
 * ../shared/models of the installation when one exists) into the model cache, once.
 */
public final class BundledModel {
    public static final String NAME = "stories260K";

    private BundledModel() {}

    public static Path ensure() throws IOException {
        Path cached = ModelFiles.cache().resolve(NAME + ".gguf");
        if (Files.isRegularFile(cached)) return cached;
        for (Path folder : offlineFolders()) {
            Path checkpoint = folder.resolve(NAME).resolve("stories260K.bin"), tokenizer = folder.resolve(NAME).resolve("tok512.bin");
            if (Files.isRegularFile(checkpoint) && Files.isRegularFile(tokenizer)) {
                System.err.printf("importing %s from %s into %s%n", NAME, folder, cached);
                Llama2cImporter.convert(checkpoint, tokenizer, cached, GgmlType.F32);
                return cached;
            }
        }
        throw new IllegalStateException("the bundled model " + NAME + " is not in the cache (" + cached + ") nor in an offline model folder "
                + offlineFolders() + ": set MUSE_OFFLINE_MODELS to a folder holding " + NAME + "/stories260K.bin and tok512.bin");
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
