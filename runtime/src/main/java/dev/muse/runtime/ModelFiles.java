package dev.muse.runtime;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where models live: a MODEL argument is either a path to a .gguf file or the name of a model in the
 * cache folder ($MUSE_HOME/models, default ~/.muse/models). Names are plain file names: no separators,
 * no "..", so a name can never point outside the cache.
 */
public final class ModelFiles {
    private ModelFiles() {}

    public static Path home() {
        String env = System.getenv("MUSE_HOME");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".muse");
    }

    public static Path cache() { return home().resolve("models"); }

    public static Path resolve(String model) {
        Path direct = Path.of(model);
        if (Files.isRegularFile(direct)) return direct;
        if (isSafeName(model)) {
            for (String candidate : new String[] {model, model + ".gguf"}) {
                Path cached = cache().resolve(candidate);
                if (Files.isRegularFile(cached)) return cached;
            }
        }
        throw new IllegalArgumentException("no such model: " + model + " (not a file, and not a model in " + cache() + ")");
    }

    public static boolean isSafeName(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.contains("..") && !name.contains("/") && !name.contains("\\")
                && !name.contains("\0") && name.chars().noneMatch(Character::isISOControl);
    }
}
