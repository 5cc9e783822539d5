package dev.muse.runtime;

import dev.muse.engine.Ops;
import dev.muse.formats.onnx.OnnxWeights;
import dev.muse.models.bert.Bert;
import dev.muse.text.WordPieceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The embedding models Muse carries with it, so that embeddings work offline with nothing pulled: sentence-transformers'
 * all-MiniLM-L6-v2 (Apache-2.0), its ONNX export and tokenizer.json as langchain4j's Maven Central jar ships them, read
 * into Muse's own BERT ({@link Bert}) and WordPiece tokenizer. A model is offered when its files are on the classpath,
 * loaded at its first use and kept.
 */
final class BuiltInEmbedders {
    /**
     * One such model: its id, its resources, its head count (the one size the weights do not show), and the tokens it
     * reads of an input, as sentence-transformers' max_seq_length (longer inputs are cut there, as sentence-transformers does).
     */
    record Known(String id, String onnx, String tokenizer, int heads, int maxTokens) {}

    static final List<Known> KNOWN = List.of(new Known("all-minilm-l6-v2", "/all-minilm-l6-v2.onnx", "/all-minilm-l6-v2-tokenizer.json", 12, 256));

    private record Loaded(Bert bert, WordPieceTokenizer tokenizer) {}

    private final Map<String, Loaded> loaded = new HashMap<>();

    /** The ids of those whose files are on the classpath. */
    List<String> ids() {
        return KNOWN.stream().filter(k -> BuiltInEmbedders.class.getResource(k.onnx()) != null).map(Known::id).toList();
    }

    boolean offers(String id) {
        return ids().contains(id);
    }

    /** One mean-pooled, L2-normalised vector per input; a text is cut after the model's token limit. */
    EmbeddingRequest.Result embed(EmbeddingRequest request) {
        Known known = KNOWN.stream().filter(k -> k.id().equals(request.model())).findFirst().orElseThrow();
        Loaded model = load(known);
        List<float[]> vectors = new ArrayList<>();
        int total = 0;
        for (int i = 0; i < request.inputs().size(); i++) {
            EmbeddingRequest.Input input = request.inputs().get(i);
            int[] tokens = input.text() != null ? model.tokenizer().encode(input.text(), known.maxTokens()) : input.tokens();
            if (input.tokens() != null) {
                if (tokens.length > known.maxTokens())
                    throw new ContextLengthException("input " + i + " has " + tokens.length + " tokens; " + known.id() + " reads " + known.maxTokens());
                for (int t : tokens)
                    if (t < 0 || t >= model.tokenizer().vocabularySize())
                        throw new IllegalArgumentException("input " + i + ": token " + t + " is outside the vocabulary of " + model.tokenizer().vocabularySize());
            }
            total += tokens.length;
            vectors.add(model.bert().embed(tokens));
        }
        return new EmbeddingRequest.Result(vectors, total);
    }

    private synchronized Loaded load(Known k) {
        return loaded.computeIfAbsent(k.id(), id -> {
            OnnxWeights weights = OnnxWeights.of(resource(k.onnx()), k.id() + ".onnx");
            Bert bert = Bert.load(weights, Bert.Config.of(weights, k.heads()), Ops.cpu());
            return new Loaded(bert, WordPieceTokenizer.fromJson(new String(resource(k.tokenizer()), StandardCharsets.UTF_8), k.tokenizer()));
        });
    }

    private static byte[] resource(String name) {
        try (InputStream in = BuiltInEmbedders.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException(name + " is not on the classpath");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }
}
