package dev.muse.bench;

import dev.muse.hub.ModelFiles;
import dev.muse.hub.ModelPaths;
import dev.muse.runtime.Engine;
import dev.muse.runtime.Scheduler;
import dev.muse.server.MuseServer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import dev.muse.server.store.Store;
import dev.muse.server.store.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code muse bench --serve}: the server under 1, 4, 16 ... concurrent streaming clients. Each client
 * streams a text completion over real HTTP; what a client sees is what is measured: aggregate tokens/s,
 * time to first token (p50, p99) and the gap between streamed tokens (p99).
 */
public final class ServeBench {
    public record Row(int clients, int tokens, double seconds, double[] ttft, double[] gaps) {
        double tokensPerSecond() { return tokens / seconds; }
    }

    private ServeBench() {}

    /** The rounds against Muse's own server, started in-process with as many slots as the largest round has clients. */
    public static List<Row> run(Path model, int[] concurrency, int promptWords, int maxTokens) throws Exception {
        int most = Arrays.stream(concurrency).max().orElse(1);
        String id = ModelFiles.idOf(model);
        Engine engine = new Engine(new Engine.Config(List.of(new ModelPaths(id, model, null)), null, Long.MAX_VALUE,
                Scheduler.Options.serving(most, 2048)));
        Path data = Files.createTempDirectory("muse-bench-serve");
        try (MuseServer server = new MuseServer(new MuseServer.Config("127.0.0.1", 0, false, k -> java.util.Optional.empty(), 8 << 20,
                8192, most, Integer.MAX_VALUE, false), engine, Store.open(StoreConfig.sqlite(data.resolve("muse.db"))))) {
            return rounds("http://127.0.0.1:" + server.port(), id, concurrency, promptWords, maxTokens);
        } finally {
            try (var files = Files.walk(data)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * The same rounds against llama.cpp's llama-server on the same file: 2 threads, one slot per client of the
     * largest round, 2048 tokens of context per slot, as Muse gets.
     */
    public static List<Row> runLlamaServer(Path binary, Path model, int[] concurrency, int promptWords, int maxTokens) throws Exception {
        int most = Arrays.stream(concurrency).max().orElse(1), port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Process server = new ProcessBuilder(binary.toString(), "-m", model.toString(), "-t", "2", "-tb", "2", "-np", String.valueOf(most),
                "-c", String.valueOf(2048 * most), "--host", "127.0.0.1", "--port", String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String base = "http://127.0.0.1:" + port;
            HttpClient http = HttpClient.newHttpClient();
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (true) {
                try {
                    if (http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) break;
                } catch (java.io.IOException notYet) {
                    // still starting
                }
                if (!server.isAlive() || System.nanoTime() > deadline) throw new IllegalStateException("llama-server did not start");
                Thread.sleep(200);
            }
            return rounds(base, ModelFiles.idOf(model), concurrency, promptWords, maxTokens);
        } finally {
            server.destroy();
            if (!server.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) server.destroyForcibly();
        }
    }

    private static List<Row> rounds(String base, String id, int[] concurrency, int promptWords, int maxTokens) throws Exception {
        String url = base + "/v1/completions";
        // Warm-up: load the model and let the JIT compile the hot paths. With 8 tokens, C2 still took a third of
        // the machine through the first ~4 s of the first round (per-thread CPU load in a flight recording), which
        // slowed the one-stream round most; 128 tokens cover that (llama-server gets the same request).
        stream(HttpClient.newHttpClient(), url, id, 0, promptWords, 128);
        List<Row> rows = new ArrayList<>();
        for (int clients : concurrency) {
            System.err.printf("  %d concurrent stream%s...%n", clients, clients == 1 ? "" : "s");
            // fresh connections per round: llama-server closes idle keep-alive connections, and a request sent on
            // one it just closed fails with "header parser received no bytes"
            HttpClient http = HttpClient.newHttpClient();
            long start = System.nanoTime();
            List<Future<double[][]>> results = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int c = 0; c < clients; c++) {
                    int client = c;
                    results.add(pool.submit(() -> stream(http, url, id, client + 1, promptWords, maxTokens)));
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            List<Double> ttft = new ArrayList<>(), gaps = new ArrayList<>();
            int tokens = 0;
            for (Future<double[][]> f : results) {
                double[][] r = f.get();
                ttft.add(r[0][0]);
                for (double g : r[1]) gaps.add(g);
                tokens += r[1].length + 1;
            }
            rows.add(new Row(clients, tokens, seconds, sorted(ttft), sorted(gaps)));
        }
        return rows;
    }

    /** One streaming client: returns {{time to first token}, {gaps between later tokens}} in seconds. */
    private static double[][] stream(HttpClient http, String url, String model, int client, int promptWords, int maxTokens) throws Exception {
        StringBuilder prompt = new StringBuilder("Client ").append(client).append(':');
        for (int w = 0; w < promptWords; w++) prompt.append(" word").append((w * 7 + client) % 97);
        String body = "{\"model\":\"" + model + "\",\"prompt\":\"" + prompt + "\",\"max_tokens\":" + maxTokens
                + ",\"temperature\":0.8,\"seed\":" + client + ",\"stream\":true}";
        long start = System.nanoTime();
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) throw new IllegalStateException("server answered " + r.statusCode() + ": " + new String(r.body().readAllBytes(), StandardCharsets.UTF_8));
        List<Double> gaps = new ArrayList<>();
        double first = -1;
        long last = start;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (!line.startsWith("data: {") || line.contains("\"finish_reason\":\"")) continue;
                long now = System.nanoTime();
                if (first < 0) first = (now - start) / 1e9;
                else gaps.add((now - last) / 1e9);
                last = now;
            }
        }
        return new double[][] {{first}, gaps.stream().mapToDouble(Double::doubleValue).toArray()};
    }

    public static void print(String engine, Path model, List<Row> rows, List<Row> anchor) {
        double single = rows.getFirst().tokensPerSecond();
        System.out.printf("%n%s on %s%n| clients | aggregate t/s | vs 1 client | TTFT p50 ms | TTFT p99 ms | inter-token p99 ms |%s%n", engine,
                model.getFileName(), anchor == null ? "" : " vs llama.cpp |");
        System.out.printf("|---|---|---|---|---|---|%s%n", anchor == null ? "" : "---|");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            System.out.printf("| %d | %.2f | %.2fx | %.0f | %.0f | %.0f |%s%n", r.clients(), r.tokensPerSecond(), r.tokensPerSecond() / single,
                    1000 * percentile(r.ttft(), 50), 1000 * percentile(r.ttft(), 99), 1000 * percentile(r.gaps(), 99),
                    anchor == null ? "" : String.format(" %.2fx |", r.tokensPerSecond() / anchor.get(i).tokensPerSecond()));
        }
    }

    private static double[] sorted(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) return Double.NaN;
        int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
