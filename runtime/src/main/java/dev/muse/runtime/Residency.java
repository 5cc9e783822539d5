package dev.muse.runtime;

import dev.muse.hub.ModelFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which models are known and which are in memory. A model loads on first use; when loading one would
 * exceed the memory budget, the least recently used idle models are unloaded first. Models are known from
 * the files named at start-up plus every .gguf in the model cache (looked at again on each listing, so a
 * model pulled while the server runs shows up). A model may have a vision projector: one given with it, or
 * {@code mmproj-<id>.gguf} beside {@code <id>.gguf} in the cache (the name llama.cpp's published GGUF
 * repositories use); projector files are not offered as models themselves.
 */
public final class Residency implements AutoCloseable {
    /** A model the server can offer. */
    /** @param projector the vision projector (mmproj) the model loads with, or null for a text-only model */
    public record Known(String id, Path path, Path projector, long fileBytes, Optional<LoadedModel> loaded) {}

    public static final class UnknownModelException extends RuntimeException {
        public UnknownModelException(String id) { super("The model '" + id + "' does not exist"); }
    }

    /** Loading would exceed the memory budget even after unloading every idle model. */
    public static final class InsufficientMemoryException extends RuntimeException {
        public InsufficientMemoryException(String message) { super(message); }
    }

    private final Map<String, Path> named;
    private final Map<String, Path> projectors;
    private final Path cacheFolder;
    private final long budgetBytes;
    private final Scheduler.Options schedulerDefaults;
    private final Map<String, LoadedModel> loaded = new LinkedHashMap<>(16, 0.75f, true); // access order = LRU first

    /**
     * @param named       models given explicitly (id -> file), offered first
     * @param cacheFolder the model cache; every .gguf in it is offered under its file name without ".gguf"
     */
    public Residency(Map<String, Path> named, Path cacheFolder, long budgetBytes, Scheduler.Options schedulerDefaults) {
        this(named, Map.of(), cacheFolder, budgetBytes, schedulerDefaults);
    }

    /** @param projectors vision projectors (mmproj files) of named models, by model id */
    public Residency(Map<String, Path> named, Map<String, Path> projectors, Path cacheFolder, long budgetBytes, Scheduler.Options schedulerDefaults) {
        for (String id : projectors.keySet())
            if (!named.containsKey(id)) throw new IllegalArgumentException("a projector is given for '" + id + "', which is not among the models");
        this.named = Map.copyOf(named);
        this.projectors = Map.copyOf(projectors);
        this.cacheFolder = cacheFolder;
        this.budgetBytes = budgetBytes;
        this.schedulerDefaults = schedulerDefaults;
    }

    public synchronized List<Known> list() {
        Map<String, Path> all = catalog();
        List<Known> out = new ArrayList<>();
        for (var e : all.entrySet()) {
            long size;
            try {
                size = Files.size(e.getValue());
            } catch (IOException ex) {
                size = -1;
            }
            out.add(new Known(e.getKey(), e.getValue(), projector(e.getKey(), e.getValue()), size, Optional.ofNullable(loaded.get(e.getKey()))));
        }
        return out;
    }

    /** The loaded model, loading it (and unloading idle ones to make room) if needed. */
    public synchronized LoadedModel acquire(String id) throws IOException {
        LoadedModel model = loaded.get(id);
        if (model != null) return model;
        Path path = catalog().get(id);
        if (path == null) throw new UnknownModelException(id);
        Path projector = projector(id, path);
        long needed = Files.size(path) + (projector != null ? Files.size(projector) : 0);
        makeRoom(id, needed);
        TextModel text = TextModel.open(path, projector);
        int context = Math.min(schedulerDefaults.contextLength(), text.model().contextLength());
        Scheduler.Options options = new Scheduler.Options(schedulerDefaults.maxSequences(), Math.max(2, context), schedulerDefaults.maxBatchTokens());
        model = new LoadedModel(id, text, new Scheduler(text.model(), options, id), System.currentTimeMillis());
        loaded.put(id, model);
        return model;
    }

    /** Unloads a model now: its running requests fail with "unloaded". Returns false when it was not loaded. */
    public synchronized boolean unload(String id) {
        LoadedModel model = loaded.remove(id);
        if (model == null) {
            if (!catalog().containsKey(id)) throw new UnknownModelException(id);
            return false;
        }
        close(model);
        return true;
    }

    public synchronized List<LoadedModel> loaded() { return List.copyOf(loaded.values()); }

    public long budgetBytes() { return budgetBytes; }

    private void makeRoom(String id, long needed) {
        long used = loaded.values().stream().mapToLong(LoadedModel::residentBytes).sum();
        for (LoadedModel lru : List.copyOf(loaded.values())) {
            if (used + needed <= budgetBytes) break;
            if (lru.scheduler().busy()) continue;
            used -= lru.residentBytes();
            loaded.remove(lru.id());
            close(lru);
        }
        if (used + needed > budgetBytes)
            throw new InsufficientMemoryException("loading " + id + " (" + needed / (1 << 20) + " MiB) would exceed the memory budget of "
                    + budgetBytes / (1 << 20) + " MiB; models in use hold " + used / (1 << 20) + " MiB");
    }

    private static void close(LoadedModel model) {
        model.scheduler().close(); // stops the thread that reads the weights before they are unmapped
        model.text().close();
    }

    /** The model's vision projector: the one named with it, else mmproj-<id>.gguf beside it; null when none. */
    private Path projector(String id, Path model) {
        Path given = projectors.get(id);
        return given != null ? given : ModelFiles.projectorBeside(model);
    }

    private Map<String, Path> catalog() {
        Map<String, Path> all = new LinkedHashMap<>(named);
        ModelFiles.inFolder(cacheFolder).forEach(all::putIfAbsent);
        return all;
    }

    @Override public synchronized void close() {
        for (LoadedModel m : loaded.values()) close(m);
        loaded.clear();
    }
}
