package dev.muse.testkit;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LogLevel;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.args.CacheType;
import de.kherud.llama.args.LogFormat;
import de.kherud.llama.args.Sampler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Runs llama.cpp (de.kherud:llama, build b4916) in a JVM of its own, one job after another; {@link LlamaCpp}
 * starts it, writes jobs to its stdin and reads its stdout. A job is a header line
 * {@code job VOCAB-SIZE CONTEXT VOCABULARY-KEY COUNT}, the model file's path on a line of its own, then COUNT
 * commands, one a line:
 * <pre>
 * tokenize BASE64      -> probe tokens ID...   llama.cpp's tokenizer with add_special=false, parse_special=true
 * generate N ID...     -> probe ids ID...      N greedy tokens after the prompt ID... (the exact token ids)
 * force K ID...        -> probe forced G:X...  G the greedy choice after each prefix ID[0..k), k = K..len-1, and X,
 *                                              where G differs from ID[k], logit(G) - logit(ID[k]) there (else "-")
 * embed BASE64         -> probe vector X...    what the binding's embed returns for the text (llama.cpp tokenizes it):
 *                                              the FIRST token's final normed hidden state, unpooled and unnormalised,
 *                                              whatever pooling the file or the parameters name (seen with b4916);
 *                                              a job with embed lines runs in embedding mode and holds nothing else
 * </pre>
 * and {@code probe done} after the last answer. Each job loads its model and frees it after; what is kept between
 * jobs is the JVM, the native library and the table of every token's text, per vocabulary key (building it costs
 * a native call per token, half a second for a 128k vocabulary).
 * Prompts are token ids, passed to the server as a JSON array so llama.cpp adds nothing (no BOS, no
 * tokenization): the caller decides the whole prompt. The binding returns generated text, not ids, so a
 * greedy step asks for one token (n_predict 1, temperature 0, only the temperature sampler) and maps its
 * text back to an id through a table of every token's text; when several tokens share that text, logit
 * biases tell them apart (see {@link #greedy}). Each step evaluates its whole prompt: with prompt caching on, a
 * model loaded after another in the same JVM answered from a cache the binding kept from before (wrong choices
 * from the second forced position on), so caching is off. The KV cache is F32 so that the reference does not
 * round keys and values to F16. The JVM halts at the end of its input or at the first failure (with the stack
 * trace on stderr): the binding's server thread would keep it alive.
 */
public final class LlamaCppProbe {
    /** A logit bias that no real logit overcomes (JSON cannot carry -Infinity through the binding). */
    private static final float BANNED = -1e30f;

    private final LlamaModel model;
    private final Map<String, List<Integer>> idsByText;
    private final int vocabSize;
    /** Statistics for stderr: one-token completions asked of llama.cpp, and greedy steps that needed biases. */
    private int steps, ambiguous;

    private LlamaCppProbe(LlamaModel model, int vocabSize, Map<String, List<Integer>> idsByText) {
        this.model = model;
        this.vocabSize = vocabSize;
        this.idsByText = idsByText;
    }

    private static Map<String, List<Integer>> idsByText(LlamaModel model, int vocabSize) {
        Map<String, List<Integer>> table = new HashMap<>();
        for (int id = 0; id < vocabSize; id++) table.computeIfAbsent(model.decode(new int[] {id}), k -> new ArrayList<>()).add(id);
        return table;
    }

    /** Always ends the JVM with halt: after a failure too, the binding's server thread would keep it alive. */
    public static void main(String[] args) {
        try {
            serve(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
            Runtime.getRuntime().halt(0);
        } catch (Throwable t) {
            t.printStackTrace();
            System.err.flush();
            Runtime.getRuntime().halt(1);
        }
    }

    private static void serve(BufferedReader in) throws IOException {
        LlamaModel.setLogger(LogFormat.TEXT, (level, message) -> {
            if (level == LogLevel.WARN || level == LogLevel.ERROR) System.err.print(message);
        });
        Map<String, Map<String, List<Integer>>> tables = new HashMap<>();
        for (String header; (header = in.readLine()) != null; ) {
            String[] h = header.split(" ");
            if (h.length != 5 || !h[0].equals("job")) throw new IllegalArgumentException("expected 'job VOCAB-SIZE CONTEXT KEY COUNT', got " + header);
            int vocabSize = Integer.parseInt(h[1]), context = Integer.parseInt(h[2]), count = Integer.parseInt(h[4]);
            String file = in.readLine();
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < count; i++) lines.add(in.readLine());
            if (file == null || lines.contains(null)) throw new IOException("input ended inside a job");
            boolean embedding = lines.stream().anyMatch(l -> l.startsWith("embed "));
            ModelParameters params = new ModelParameters()
                    .setModel(file)
                    .setCtxSize(context)
                    .setThreads(1)
                    .setThreadsBatch(1)
                    .setParallel(1)
                    .setSeed(1)
                    .setCacheTypeK(CacheType.F32)
                    .setCacheTypeV(CacheType.F32)
                    .enableSpecial()
                    .skipWarmup();
            if (embedding) params.enableEmbedding();
            try (LlamaModel model = new LlamaModel(params)) {
                LlamaCppProbe probe = new LlamaCppProbe(model, vocabSize,
                        tables.computeIfAbsent(h[3] + "/" + vocabSize, k -> idsByText(model, vocabSize)));
                for (String line : lines) System.out.println("probe " + probe.run(line.trim().split(" ")));
                System.err.printf("probe: %s: %d one-token completions, %d greedy steps needed logit biases%n", file, probe.steps, probe.ambiguous);
            }
            System.out.println("probe done");
            System.out.flush();
        }
    }

    private String run(String[] command) {
        if (command[0].equals("tokenize")) {
            String text = command.length > 1 ? new String(Base64.getDecoder().decode(command[1]), StandardCharsets.UTF_8) : "";
            return "tokens " + join(model.encode(text));
        }
        if (command[0].equals("embed")) {
            float[] vector = model.embed(new String(Base64.getDecoder().decode(command[1]), StandardCharsets.UTF_8));
            StringBuilder out = new StringBuilder("vector");
            for (float v : vector) out.append(' ').append(v);
            return out.toString();
        }
        int[] numbers = Arrays.stream(command).skip(1).mapToInt(Integer::parseInt).toArray();
        return switch (command[0]) {
            case "generate" -> "ids " + join(generate(Arrays.copyOfRange(numbers, 1, numbers.length), numbers[0]));
            case "force" -> "forced " + force(Arrays.copyOfRange(numbers, 1, numbers.length), numbers[0]);
            default -> throw new IllegalArgumentException("unknown probe command " + command[0]);
        };
    }

    private int[] generate(int[] prompt, int n) {
        int[] ids = Arrays.copyOf(prompt, prompt.length + n);
        for (int i = 0; i < n; i++) ids[prompt.length + i] = greedy(Arrays.copyOf(ids, prompt.length + i));
        return Arrays.copyOfRange(ids, prompt.length, ids.length);
    }

    /** The greedy choice after each prefix, and llama.cpp's gap wherever it differs from the caller's next token. */
    private String force(int[] ids, int promptLength) {
        StringBuilder out = new StringBuilder();
        for (int k = promptLength; k < ids.length; k++) {
            int[] prefix = Arrays.copyOf(ids, k);
            int choice = greedy(prefix);
            out.append(k > promptLength ? " " : "").append(choice).append(':')
                    .append(choice == ids[k] ? "-" : Double.toString(gap(prefix, choice, ids[k])));
        }
        return out.toString();
    }

    /**
     * The greedy next token after the prompt. Its text names the candidates C (every token with that text).
     * When C has several, a reference token r outside C is raised by a bias B: the step still yields the
     * text exactly while some candidate's logit exceeds logit(r) + B (the true argmax a always exceeds every
     * token outside C), so the candidates still "alive" at B are those above logit(r) + B. Banning halves of
     * C finds an alive candidate in log2 |C| steps; if banning that one alone kills the text, it was the only
     * one alive and is a. Otherwise B is raised further (bisection between the last B that yielded the text
     * and the first that did not) and the search repeats. If B reaches float resolution with two alive, two
     * candidates have equal logits and the greedy choice is not well defined.
     */
    private int greedy(int[] prompt) {
        String text = step(prompt, Map.of());
        List<Integer> candidates = idsByText.get(text);
        if (candidates == null) throw new IllegalStateException("llama.cpp produced text " + quote(text) + " that no token decodes to");
        if (candidates.size() == 1) return candidates.getFirst();
        ambiguous++;
        int reference = 0;
        while (candidates.contains(reference)) reference++;
        float lo = 0, hi = 64; // the text appears at bias lo, not at hi
        while (yields(prompt, text, reference, hi, List.of())) {
            if (hi > 1e12f) throw new IllegalStateException("no bias on token " + reference + " overcomes " + quote(text));
            lo = hi;
            hi *= 4;
        }
        for (int halvings = 6; ; halvings = 4) {
            for (int i = 0; i < halvings; i++) {
                float mid = lo + (hi - lo) / 2;
                if (mid == lo || mid == hi)
                    throw new IllegalStateException("cannot tell apart the tokens " + candidates + " that share text " + quote(text)
                            + ": two of them have equal logits");
                if (yields(prompt, text, reference, mid, List.of())) lo = mid;
                else hi = mid;
            }
            List<Integer> set = candidates;
            while (set.size() > 1) {
                List<Integer> half = set.subList(0, set.size() / 2), rest = set.subList(set.size() / 2, set.size());
                List<Integer> banned = new ArrayList<>(candidates);
                banned.removeAll(rest);
                set = yields(prompt, text, reference, lo, banned) ? rest : half;
            }
            int alive = set.getFirst();
            if (!yields(prompt, text, reference, lo, List.of(alive))) return alive;
        }
    }

    /** Whether the greedy step still yields text with the reference token raised by bias and the banned tokens excluded. */
    private boolean yields(int[] prompt, String text, int reference, float bias, List<Integer> banned) {
        Map<Integer, Float> biases = new LinkedHashMap<>();
        for (int id : banned) biases.put(id, BANNED);
        biases.put(reference, bias);
        return step(prompt, biases).equals(text);
    }

    /**
     * logit(a) - logit(b) for the greedy token a and another token b of a different text: with every
     * other token of either text banned, b's text appears once its bias exceeds the gap.
     */
    private double gap(int[] prompt, int a, int b) {
        String textA = model.decode(new int[] {a}), textB = model.decode(new int[] {b});
        if (textA.equals(textB)) return Double.NaN;
        Map<Integer, Float> biases = new LinkedHashMap<>();
        for (int other : idsByText.get(textA)) if (other != a) biases.put(other, BANNED);
        for (int other : idsByText.get(textB)) if (other != b) biases.put(other, BANNED);
        double lo = 0, hi = 64;
        for (int i = 0; i < 40 && hi - lo > 1e-6; i++) {
            double mid = (lo + hi) / 2;
            biases.put(b, (float) mid);
            if (step(prompt, biases).equals(textB)) hi = mid;
            else lo = mid;
        }
        return (lo + hi) / 2;
    }

    /** One greedy token after the prompt, as text, with the given logit biases. */
    private String step(int[] prompt, Map<Integer, Float> biases) {
        steps++;
        for (int id : prompt) if (id < 0 || id >= vocabSize) throw new IllegalArgumentException("token id " + id + " is outside the vocabulary");
        InferenceParameters p = new InferenceParameters("")
                .setNPredict(1)
                .setTemperature(0f)
                .setSamplers(Sampler.TEMPERATURE)
                .setCachePrompt(false)
                .setSeed(1);
        if (!biases.isEmpty()) p.setTokenIdBias(biases);
        rawParameters(p).put("prompt", Arrays.stream(prompt).mapToObj(Integer::toString).collect(Collectors.joining(",", "[", "]")));
        return model.complete(p);
    }

    /**
     * The binding only accepts prompts as text (which llama.cpp would tokenize, adding BOS), but its
     * server takes a JSON array of token ids; the parameters are kept as raw JSON in a package-private
     * map, so the prompt is written there.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, String> rawParameters(InferenceParameters p) {
        try {
            Field f = p.getClass().getSuperclass().getDeclaredField("parameters");
            f.setAccessible(true);
            return (Map<String, String>) f.get(p);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("de.kherud InferenceParameters changed shape", e);
        }
    }

    private static String join(int[] ids) {
        return Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(" "));
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        s.codePoints().forEach(c -> sb.append(c >= 0x20 && c < 0x7f ? Character.toString(c) : String.format("\\u{%x}", c)));
        return sb.append('"').toString();
    }
}
