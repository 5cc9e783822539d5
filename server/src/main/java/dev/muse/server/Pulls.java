package dev.muse.server;

import dev.muse.hub.DownloadProgress;
import dev.muse.hub.HubSettings;
import dev.muse.hub.ModelAliases;
import dev.muse.hub.ModelPaths;
import dev.muse.hub.ModelPuller;
import dev.muse.server.openai.ApiException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Logger;

/**
 * Downloads of library models started from the API, one per alias at a time. A pull runs on in the background when the
 * page that asked for it goes away, so a reload finds it still going and can follow it again; a later request for a
 * model being pulled follows the running download instead of starting a second one.
 */
final class Pulls implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Pulls.class.getName());

    /**
     * Where one pull stands: the file being downloaded and how far (total -1 while unknown), then the model's id once it
     * is in the cache, or the reason it failed.
     */
    record State(String alias, String file, long completedBytes, long totalBytes, boolean finished, String modelId, String error) {
        State progress(String f, long completed, long total) { return new State(alias, f, completed, total, false, null, null); }
        State done(String id) { return new State(alias, file, completedBytes, totalBytes, true, id, null); }
        State failed(String reason) { return new State(alias, file, completedBytes, totalBytes, true, null, reason); }
    }

    private final Path cache;
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, Running> running = new ConcurrentHashMap<>();

    /** @param cache the model cache the engine offers models from, where pulled models appear; null when it has none */
    Pulls(Path cache) { this.cache = cache; }

    /** The pull of {@code alias}: the one under way, or a new one. */
    Running start(ModelAliases.Alias alias) {
        if (cache == null) throw ApiException.unavailable("This server has no model cache to pull models into");
        return running.compute(alias.name(), (name, current) -> {
            if (current != null && !current.state().finished()) return current;
            Running pull = new Running(new State(name, alias.cacheName(), 0, -1, false, null, null));
            workers.submit(() -> pull.run(alias));
            return pull;
        });
    }

    /** The pull of {@code alias} under way now, if any. */
    Optional<State> underWay(String alias) {
        return Optional.ofNullable(running.get(alias)).map(Running::state).filter(s -> !s.finished());
    }

    /** Whether {@code alias}'s model file is in the cache. */
    boolean pulled(ModelAliases.Alias alias) {
        if (cache == null) return false;
        // a pipeline is in the cache once its last file is (files land in the order listed)
        return alias.isFolder() ? java.nio.file.Files.isRegularFile(cache.resolve(alias.name()).resolve(alias.lastFile()))
                : java.nio.file.Files.isRegularFile(cache.resolve(alias.source().fileName()));
    }

    @Override public void close() {
        workers.shutdownNow(); // an interrupted download keeps its part: the next pull resumes it
    }

    /** One download and what watchers see of it; {@link #await} wakes them on every change. */
    final class Running implements DownloadProgress {
        private State state;
        private String file;

        Running(State initial) { this.state = initial; }

        synchronized State state() { return state; }

        /** The state once it differs from {@code seen} (or after {@code millis}, unchanged). */
        synchronized State await(State seen, long millis) throws InterruptedException {
            long until = System.currentTimeMillis() + millis;
            for (long left = millis; state.equals(seen) && left > 0; left = until - System.currentTimeMillis()) wait(left);
            return state;
        }

        private synchronized void set(State next) {
            state = next;
            notifyAll();
        }

        private void run(ModelAliases.Alias alias) {
            try {
                List<ModelPuller.Result> files = new ModelPuller(HubSettings.fromEnvironment(), cache, this).pull(alias, ModelPuller.Options.DEFAULT);
                String id = alias.isFolder() ? alias.name() : ModelPaths.of(files.getFirst().file()).id();
                LOG.info("pulled " + alias.name() + " into " + cache + " as the model " + id);
                set(state().done(id));
            } catch (Exception | Error e) {
                LOG.warning("pulling " + alias.name() + " failed: " + e);
                set(state().failed(e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
            }
        }

        @Override public void start(String name, long total, long from) {
            file = name;
            set(state().progress(name, from, total));
        }

        @Override public void advance(long done) {
            State s = state();
            // Watchers need a few updates a second, not one per megabyte read.
            if (done - s.completedBytes() >= Math.max(1 << 20, s.totalBytes() / 200) || done == s.totalBytes())
                set(s.progress(file, done, s.totalBytes()));
        }

        @Override public void finish() {}

        /** The puller's notes (resuming, verified, saved) name paths of this machine: they go to the log, not to clients. */
        @Override public void note(String message) { LOG.info(message); }
    }
}
