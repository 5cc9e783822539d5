package dev.muse.server;

import dev.muse.formats.gguf.GgufFile;
import dev.muse.models.SequenceState;
import dev.muse.models.Decoder;
import dev.muse.models.Models;
import dev.muse.text.ChatMessage;
import dev.muse.text.Sampler;
import dev.muse.text.Tokenizer;
import dev.muse.text.Vocabulary;
import dev.muse.text.template.ChatTemplate;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What the server should answer, computed without the runtime: the chat template rendered and tokenized by
 * hand, then greedy tokens from plain forward passes of the model.
 */
record GreedyReference(int[] prompt, String text) {
    static GreedyReference chat(Path model, String template, List<ChatMessage> messages, int maxTokens) throws IOException {
        try (GgufFile file = GgufFile.open(model)) {
            Decoder lm = Models.decoder(file);
            Tokenizer tokenizer = Tokenizer.of(Vocabulary.fromMetadata(file.metadata()));
            Vocabulary v = tokenizer.vocabulary();
            String bos = v.token(v.bosId()), eos = v.token(v.eosId());
            String text = ChatTemplate.parse(template).render(messages, true, bos, eos, Map.of());
            int[] prompt = tokenizer.encode(text, !text.startsWith(bos), true);
            SequenceState cache = lm.newState(prompt.length + maxTokens);
            int[] history = Arrays.copyOf(prompt, prompt.length + maxTokens);
            float[] logits = lm.forward(cache, prompt);
            for (int i = 0; i < maxTokens; i++) {
                history[prompt.length + i] = Sampler.argmax(logits);
                if (i + 1 < maxTokens) logits = lm.forward(cache, new int[] {history[prompt.length + i]});
            }
            return new GreedyReference(prompt, tokenizer.decode(Arrays.copyOfRange(history, prompt.length, history.length)));
        }
    }
}
