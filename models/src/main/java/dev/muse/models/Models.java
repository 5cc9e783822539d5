package dev.muse.models;

import dev.muse.formats.FormatException;
import dev.muse.formats.gguf.GgufFile;
import java.util.ServiceLoader;
import java.util.TreeSet;

/** Finds the registered architecture for a GGUF file. */
public final class Models {
    private Models() {}

    public static LanguageModel load(GgufFile file) {
        String arch = file.metadata().requireString("general.architecture");
        TreeSet<String> known = new TreeSet<>();
        for (ModelArchitecture a : ServiceLoader.load(ModelArchitecture.class)) {
            if (a.names().contains(arch)) return a.load(file);
            known.addAll(a.names());
        }
        throw new FormatException(file.path().getFileName() + ": architecture '" + arch + "' is not supported (supported: "
                + String.join(", ", known) + ")");
    }
}
