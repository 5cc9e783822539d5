package dev.muse.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where models live: a MODEL argument is either a path to a .gguf file, the name of a model in the cache
 * folder ($MUSE_HOME/models, default ~/.muse/models), or an alias `muse pull` knows (stories260k finds the
 * stories260K.gguf it pulled). Names are plain file names: no separators, no "..", so a name can never point
 * outside the cache.
 */
public final class ModelFiles {
    /** The file name prefix of a vision projector in the cache. */
    public static final String PROJECTOR_PREFIX = "mmproj-";
    /** The file name prefix of whisper.cpp's model files (ggml-base.bin, ggml-large-v3-turbo-q5_0.bin). */
    public static final String WHISPER_PREFIX = "ggml-";

    private ModelFiles() {}

    /** $MUSE_HOME, or -Dmuse.home first (in-process tests cannot set the environment), or ~/.muse. */
    public static Path home() {
        for (String configured : new String[] {System.getProperty("muse.home"), System.getenv("MUSE_HOME")})
            if (configured != null && !configured.isBlank()) return Path.of(configured);
        return Path.of(System.getProperty("user.home"), ".muse");
    }

    public static Path cache() { return home().resolve("models"); }

    public static Path resolve(String model) {
        Path direct = Path.of(model);
        if (Files.isRegularFile(direct) || isModelFolder(direct)) return direct;
        if (isSafeName(model)) {
            String whisper = model.startsWith("whisper-") ? WHISPER_PREFIX + model.substring("whisper-".length()) + ".bin" : model;
            for (String candidate : new String[] {model, model + ".gguf", whisper}) {
                Path cached = cache().resolve(candidate);
                if (Files.isRegularFile(cached) || isModelFolder(cached)) return cached;
            }
            Optional<ModelAliases.Alias> alias = ModelAliases.find(model);
            if (alias.isPresent()) {
                Path pulled = cache().resolve(alias.get().cacheName());
                if (Files.isRegularFile(pulled) || isModelFolder(pulled)) return pulled;
                throw new IllegalArgumentException("model " + model + " is not in " + cache() + " yet: muse pull " + alias.get().name());
            }
        }
        throw new IllegalArgumentException("no such model: " + model + " (not a file, and not a model in " + cache() + ")");
    }

    /**
     * The vision projector llama.cpp's published repositories put beside a model: mmproj-NAME.gguf for
     * NAME.gguf. Null when there is none.
     */
    public static Path projectorBeside(Path model) {
        Path beside = model.resolveSibling(PROJECTOR_PREFIX + model.getFileName());
        return Files.isRegularFile(beside) ? beside : null;
    }

    public static boolean isSafeName(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.contains("..") && !name.contains("/") && !name.contains("\\")
                && !name.contains("\0") && name.chars().noneMatch(Character::isISOControl);
    }

    /**
     * The id a model file is offered under: its file name without ".gguf"; a whisper.cpp file ggml-NAME.bin is
     * whisper-NAME, the name `muse pull` knows it by (whisper-base is ggml-base.bin).
     */
    public static String idOf(Path file) {
        String name = file.getFileName().toString();
        if (name.endsWith(".gguf")) return name.substring(0, name.length() - 5);
        return isSpeech(file) ? "whisper-" + name.substring(WHISPER_PREFIX.length(), name.length() - 4) : name;
    }

    /** Bytes of a model file, or of every file in a model folder (a pipeline's parts lie two levels down at most). */
    public static long bytes(Path model) throws IOException {
        if (!Files.isDirectory(model)) return Files.size(model);
        try (Stream<Path> files = Files.walk(model, 3)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    /** Whether {@code path} is a diffusers pipeline folder (an image generation model: it holds a model_index.json). */
    public static boolean isPipeline(Path path) {
        return Files.isDirectory(path) && Files.isRegularFile(path.resolve("model_index.json"));
    }

    /**
     * Whether {@code path} is a speech synthesis model folder as hexgrad/Kokoro-82M is laid out: a config.json, a
     * PyTorch checkpoint (*.pth) and a voices/ folder.
     */
    public static boolean isVoiceFolder(Path path) {
        if (!Files.isDirectory(path) || !Files.isRegularFile(path.resolve("config.json")) || !Files.isDirectory(path.resolve("voices"))) return false;
        try (Stream<Path> files = Files.list(path)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".pth") && Files.isRegularFile(f));
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether {@code path} is a model made of a folder: an image generation pipeline or a speech synthesis model. */
    public static boolean isModelFolder(Path path) {
        return isPipeline(path) || isVoiceFolder(path);
    }

    /** Whether the file is named as whisper.cpp names its speech models: ggml-NAME.bin. */
    public static boolean isSpeech(Path file) {
        String name = file.getFileName().toString();
        return name.startsWith(WHISPER_PREFIX) && name.endsWith(".bin") && name.length() > WHISPER_PREFIX.length() + 4;
    }

    /**
     * The models in {@code folder} by id, in file name order: every .gguf file but vision projectors, which are
     * not models of their own but go with the model beside them, whisper.cpp's speech models (ggml-*.bin), diffusers
     * pipeline folders (image generation models) and Kokoro folders (speech synthesis models), by folder name.
     * Empty when the folder does not exist.
     */
    public static Map<String, ModelPaths> inFolder(Path folder) {
        Map<String, ModelPaths> models = new LinkedHashMap<>();
        if (folder == null || !Files.isDirectory(folder)) return models;
        try (Stream<Path> files = Files.list(folder)) {
            files.filter(p -> (p.getFileName().toString().endsWith(".gguf") && !p.getFileName().toString().startsWith(PROJECTOR_PREFIX)
                            || isSpeech(p)) && Files.isRegularFile(p) || isModelFolder(p))
                    .sorted(Comparator.comparing(Path::getFileName))
                    .forEach(p -> models.put(idOf(p), ModelPaths.of(p)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the model cache " + folder, e);
        }
        return models;
    }
}
