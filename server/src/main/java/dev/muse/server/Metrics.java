package dev.muse.server;

import dev.muse.runtime.Event;
import dev.muse.runtime.ModelInfo;
import dev.muse.runtime.Scheduler;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;

/** Counters and histograms, written in Prometheus' text format by {@link #render}. */
final class Metrics {
    private static final double[] TTFT_BUCKETS = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
    private static final double[] RATE_BUCKETS = {1, 2, 5, 10, 20, 50, 100, 200, 500};

    private final Map<String, AtomicLong> requests = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> promptTokens = new ConcurrentHashMap<>(), completionTokens = new ConcurrentHashMap<>(),
            cachedTokens = new ConcurrentHashMap<>();
    private final Map<String, Histogram> ttft = new ConcurrentHashMap<>(), rate = new ConcurrentHashMap<>();

    void request(String endpoint, int status) {
        requests.computeIfAbsent("endpoint=\"" + escape(endpoint) + "\",status=\"" + status + "\"", k -> new AtomicLong()).incrementAndGet();
    }

    void generated(String model, Event.Done o) {
        String label = "model=\"" + escape(model) + "\"";
        promptTokens.computeIfAbsent(label, k -> new AtomicLong()).addAndGet(o.promptTokens() - o.cachedPromptTokens());
        cachedTokens.computeIfAbsent(label, k -> new AtomicLong()).addAndGet(o.cachedPromptTokens());
        completionTokens.computeIfAbsent(label, k -> new AtomicLong()).addAndGet(o.completionTokens());
        ttft.computeIfAbsent(label, k -> new Histogram(TTFT_BUCKETS)).observe(o.firstTokenNanos() / 1e9);
        long decodeNanos = o.totalNanos() - o.firstTokenNanos();
        if (o.completionTokens() > 1 && decodeNanos > 0)
            rate.computeIfAbsent(label, k -> new Histogram(RATE_BUCKETS)).observe((o.completionTokens() - 1) * 1e9 / decodeNanos);
    }

    /** Everything counted so far, and the state of the {@code resident} models. */
    String render(List<ModelInfo> resident) {
        StringBuilder out = new StringBuilder();
        counter(out, "muse_requests_total", "HTTP requests by endpoint and status", requests);
        counter(out, "muse_prompt_tokens_total", "prompt tokens computed (not from the prefix cache)", promptTokens);
        counter(out, "muse_cached_prompt_tokens_total", "prompt tokens reused from the KV cache", cachedTokens);
        counter(out, "muse_completion_tokens_total", "generated tokens", completionTokens);
        histogram(out, "muse_time_to_first_token_seconds", "time from request to first generated token", ttft);
        histogram(out, "muse_generation_tokens_per_second", "per-request decode speed after the first token", rate);
        out.append("# HELP muse_queue_depth requests waiting for a slot\n# TYPE muse_queue_depth gauge\n");
        for (ModelInfo m : resident) out.append(gauge("muse_queue_depth", m, stats(m).waiting()));
        out.append("# HELP muse_running_sequences sequences in the running batch\n# TYPE muse_running_sequences gauge\n");
        for (ModelInfo m : resident) out.append(gauge("muse_running_sequences", m, stats(m).running()));
        out.append("# HELP muse_kv_cache_tokens tokens held by running sequences' KV caches\n# TYPE muse_kv_cache_tokens gauge\n");
        for (ModelInfo m : resident) out.append(gauge("muse_kv_cache_tokens", m, stats(m).kvTokens()));
        out.append("# HELP muse_kv_cache_bytes bytes allocated for KV caches\n# TYPE muse_kv_cache_bytes gauge\n");
        for (ModelInfo m : resident) out.append(gauge("muse_kv_cache_bytes", m, stats(m).kvBytes()));
        out.append("# HELP muse_kv_cache_capacity_bytes bytes the KV caches would take when full\n# TYPE muse_kv_cache_capacity_bytes gauge\n");
        for (ModelInfo m : resident) out.append(gauge("muse_kv_cache_capacity_bytes", m, stats(m).kvCapacityBytes()));
        out.append("# HELP muse_models_loaded models resident in memory\n# TYPE muse_models_loaded gauge\n");
        out.append("muse_models_loaded ").append(resident.size()).append('\n');
        return out.toString();
    }

    private static Scheduler.Stats stats(ModelInfo m) {
        return m.resident().orElseThrow().scheduler();
    }

    private static String gauge(String name, ModelInfo m, long value) {
        return name + "{model=\"" + escape(m.id()) + "\"} " + value + "\n";
    }

    private static void counter(StringBuilder out, String name, String help, Map<String, AtomicLong> values) {
        out.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" counter\n");
        values.forEach((labels, v) -> out.append(name).append('{').append(labels).append("} ").append(v.get()).append('\n'));
    }

    private static void histogram(StringBuilder out, String name, String help, Map<String, Histogram> values) {
        out.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" histogram\n");
        values.forEach((labels, h) -> h.render(out, name, labels));
    }

    static String escape(String label) {
        return label.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static final class Histogram {
        private final double[] bounds;
        private final AtomicLongArray counts;
        private final DoubleAdder sum = new DoubleAdder();
        private final AtomicLong count = new AtomicLong();

        Histogram(double[] bounds) {
            this.bounds = bounds;
            this.counts = new AtomicLongArray(bounds.length);
        }

        void observe(double v) {
            for (int i = 0; i < bounds.length; i++) if (v <= bounds[i]) counts.incrementAndGet(i);
            sum.add(v);
            count.incrementAndGet();
        }

        void render(StringBuilder out, String name, String labels) {
            for (int i = 0; i < bounds.length; i++)
                out.append(name).append("_bucket{").append(labels).append(",le=\"").append(bounds[i])
                        .append("\"} ").append(counts.get(i)).append('\n');
            out.append(name).append("_bucket{").append(labels).append(",le=\"+Inf\"} ").append(count.get()).append('\n');
            out.append(name).append("_sum{").append(labels).append("} ").append(sum.sum()).append('\n');
            out.append(name).append("_count{").append(labels).append("} ").append(count.get()).append('\n');
        }
    }
}
