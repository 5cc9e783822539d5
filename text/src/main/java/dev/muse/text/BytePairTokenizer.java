package dev.muse.text;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-level BPE (GPT-2, Llama 3, Qwen, SmolLM, ...), matching llama.cpp's {@code llm_tokenizer_bpe}:
 * special tokens are cut out, the rest is split into words by the vocabulary's {@link PreTokenizer},
 * and each word's UTF-8 bytes are merged pairwise, always applying the lowest-ranked merge present
 * (leftmost first on ties), until no listed merge applies. Like llama.cpp, it applies no Unicode
 * normalizer: GGUF does not record one (Qwen's tokenizer.json asks for NFC), so callers that need
 * Hugging Face's ids for decomposed text normalize it first.
 */
public final class BytePairTokenizer implements Tokenizer {

    /** Words repeat a lot in real text; past this many distinct ones the cache starts over. */
    private static final int WORD_CACHE_LIMIT = 1 << 16;

    private final Vocabulary vocabulary;
    private final VocabularyIndex index;
    private final PreTokenizer preTokenizer;
    private final MergeRanks merges;
    private final int[] byteIds = new int[256];
    private final byte[][] pieces;
    private final ConcurrentHashMap<String, int[]> wordCache = new ConcurrentHashMap<>();

    /**
     * @throws IllegalArgumentException when the vocabulary has no merges or an unknown pre-tokenizer
     */
    public BytePairTokenizer(Vocabulary vocabulary) {
        if (vocabulary.merges() == null) {
            throw new IllegalArgumentException("byte-level BPE vocabulary has no " + Vocabulary.MERGES);
        }
        this.vocabulary = vocabulary;
        this.preTokenizer = PreTokenizer.forType(vocabulary.pre());
        this.index = new VocabularyIndex(vocabulary);
        this.merges = MergeRanks.of(vocabulary.merges(), index);
        for (int b = 0; b < 256; b++) {
            byteIds[b] = index.id(String.valueOf(ByteLevel.encode(b)));
        }
        this.pieces = new byte[vocabulary.size()][];
        for (int id = 0; id < pieces.length; id++) {
            String text = vocabulary.token(id);
            pieces[id] = switch (vocabulary.tokenType(id)) {
                // Added tokens are stored as plain text, not in the byte-level spelling.
                case CONTROL, USER_DEFINED, UNKNOWN -> text.getBytes(StandardCharsets.UTF_8);
                case UNUSED -> new byte[0];
                case NORMAL, BYTE -> ByteLevel.decode(text);
            };
        }
    }

    @Override
    public Vocabulary vocabulary() {
        return vocabulary;
    }

    @Override
    public int[] encodeText(String text, boolean parseSpecial) {
        IntList out = new IntList();
        for (SpecialTokenSplitter.Fragment fragment : index.splitter.split(text, parseSpecial)) {
            if (!fragment.isText()) {
                out.add(fragment.token());
                continue;
            }
            for (String word : preTokenizer.split(text.substring(fragment.start(), fragment.end()))) {
                out.addAll(encodeWord(word));
            }
        }
        return out.toArray();
    }

    @Override
    public byte[] decodeBytes(int token) {
        if (token < 0 || token >= pieces.length) {
            throw new IllegalArgumentException("token id " + token + " outside vocabulary of " + pieces.length);
        }
        return pieces[token].clone();
    }

    @Override
    public boolean isEndOfGeneration(int token) {
        return index.isEndOfGeneration(token);
    }

    /** The ids of one pre-tokenized word; the returned array is shared through the cache. */
    private int[] encodeWord(String word) {
        int[] cached = wordCache.get(word);
        if (cached != null) {
            return cached;
        }
        int[] ids = merge(word.getBytes(StandardCharsets.UTF_8));
        if (wordCache.size() >= WORD_CACHE_LIMIT) {
            wordCache.clear();
        }
        wordCache.put(word, ids);
        return ids;
    }

    /**
     * Merges one word. Symbols are byte runs [i, i + length[i]) linked through prev/next; the queue holds
     * (rank, left symbol) candidates and a popped candidate is used only if that pair still has that
     * rank, which is how entries made stale by earlier merges are recognised.
     */
    private int[] merge(byte[] bytes) {
        int n = bytes.length;
        if (n == 0) {
            return new int[0];
        }
        if (preTokenizer.ignoreMerges()) {
            int whole = index.id(ByteLevel.encode(bytes, 0, n));
            if (whole >= 0) {
                return new int[] {whole};
            }
        }
        int[] id = new int[n];
        int[] length = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            id[i] = byteIds[bytes[i] & 0xFF];
            length[i] = 1;
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        LongHeap queue = new LongHeap();
        for (int i = 1; i < n; i++) {
            offer(queue, id, i - 1, i);
        }
        while (!queue.isEmpty()) {
            long candidate = queue.pop();
            int left = (int) candidate;
            int right = next[left];
            if (length[left] == 0 || right < 0) {
                continue;
            }
            long found = merges.find(id[left], id[right]);
            if (found < 0 || MergeRanks.rank(found) != (int) (candidate >>> 32)) {
                continue;
            }
            id[left] = MergeRanks.mergedId(found);
            length[left] += length[right];
            length[right] = 0;
            next[left] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = left;
            }
            offer(queue, id, prev[left], left);
            offer(queue, id, left, next[left]);
        }
        IntList out = new IntList();
        for (int i = 0; i >= 0; i = next[i]) {
            // Only a byte with no vocabulary entry at all has no id; llama.cpp drops it too.
            if (id[i] >= 0) {
                out.add(id[i]);
            }
        }
        return out.toArray();
    }

    private void offer(LongHeap queue, int[] id, int left, int right) {
        if (left < 0 || right < 0 || id[left] < 0 || id[right] < 0) {
            return;
        }
        long found = merges.find(id[left], id[right]);
        if (found >= 0) {
            queue.push(((long) MergeRanks.rank(found) << 32) | left);
        }
    }
}
