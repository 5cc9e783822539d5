package dev.muse.runtime;

import dev.muse.engine.Ops;
import dev.muse.hub.ModelFiles;
import dev.muse.hub.ModelPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which models are known and which are in memory. A model loads on first use; when loading one would
 * exceed the memory budget, the least recently used idle models are unloaded first. Models are known from
 * the ones named at start-up plus every model in the model cache (looked at again on each listing, so a
 * model pulled while the server runs shows up). A model may be several files: a vision model loads with
 * its projector.
 */
final class Residency implements AutoCloseable {
    /** A model that can be offered, and its loaded form when it is in memory (else null). */
    record Known(ModelPaths paths, long fileBytes, LoadedModel loaded) {}

    private final Map<String, ModelPaths> named = new LinkedHashMap<>();
    private final java.nio.file.Path cacheFolder;
    private final long budgetBytes;
    private final Scheduler.Options schedulerDefaults;
    private final Map<String, LoadedModel> loaded = new LinkedHashMap<>(16, 0.75f, true); // access order = LRU first

    /**
     * @param named       models given explicitly, offered first
     * @param cacheFolder the model cache whose models are offered too (null: none)
     */
    Residency(List<ModelPaths> named, java.nio.file.Path cacheFolder, long budgetBytes, Scheduler.Options schedulerDefaults) {
        for (ModelPaths m : named)
            if (this.named.put(m.id(), m) != null) throw new IllegalArgumentException("two models are named '" + m.id() + "'");
        this.cacheFolder = cacheFolder;
        this.budgetBytes = budgetBytes;
        this.schedulerDefaults = schedulerDefaults;
    }

    synchronized List<Known> list() {
        List<Known> out = new ArrayList<>();
        for (ModelPaths m : catalog().values()) {
            long size;
            try {
                size = bytes(m);
            } catch (IOException ex) {
                size = -1;
            }
            out.add(new Known(m, size, loaded.get(m.id())));
        }
        return out;
    }

    /** The ids of every model on offer: a folder listing, no file opened (cheap enough for every request). */
    synchronized List<String> ids() {
        return List.copyOf(catalog().keySet());
    }

    /** The loaded model, loading it (and unloading idle ones to make room) if needed. */
    synchronized LoadedModel acquire(String id) {
        LoadedModel model = loaded.get(id);
        if (model != null) return model;
        ModelPaths paths = catalog().get(id);
        if (paths == null) throw new UnknownModelException(id);
        try {
            makeRoom(id, bytes(paths));
            model = LoadedModel.open(paths, Ops.cpu(), schedulerDefaults); // the one backend today
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load " + id, e);
        }
        loaded.put(id, model);
        return model;
    }

    /** Unloads a model now: its running requests fail with "unloaded". Returns false when it was not loaded. */
    synchronized boolean unload(String id) {
        LoadedModel model = loaded.remove(id);
        if (model == null) {
            if (!catalog().containsKey(id)) throw new UnknownModelException(id);
            return false;
        }
        model.close();
        return true;
    }

    java.nio.file.Path cacheFolder() { return cacheFolder; }

    synchronized List<LoadedModel> loaded() { return List.copyOf(loaded.values()); }

    private void makeRoom(String id, long needed) {
        long used = loaded.values().stream().mapToLong(LoadedModel::residentBytes).sum();
        for (LoadedModel lru : List.copyOf(loaded.values())) {
            if (used + needed <= budgetBytes) break;
            if (lru.busy()) continue;
            used -= lru.residentBytes();
            loaded.remove(lru.id());
            lru.close();
        }
        if (used + needed > budgetBytes)
            throw new InsufficientMemoryException("loading " + id + " (" + needed / (1 << 20) + " MiB) would exceed the memory budget of "
                    + budgetBytes / (1 << 20) + " MiB; models in use hold " + used / (1 << 20) + " MiB");
    }

    private static long bytes(ModelPaths m) throws IOException {
        return ModelFiles.bytes(m.model()) + (m.projector() != null ? Files.size(m.projector()) : 0);
    }

    private Map<String, ModelPaths> catalog() {
        Map<String, ModelPaths> all = new LinkedHashMap<>(named);
        ModelFiles.inFolder(cacheFolder).forEach(all::putIfAbsent);
        return all;
    }

    @Override public synchronized void close() {
        for (LoadedModel m : loaded.values()) m.close();
        loaded.clear();
    }
}
