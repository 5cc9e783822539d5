package dev.muse.models.nn;

import dev.muse.formats.FormatException;
import dev.muse.formats.Metadata;

/**
 * The head layout a decoder's GGUF declares, read with llama.cpp's defaults: KV heads default to the
 * heads, key and value length to embedding_length / head_count, rotated dimensions to the key length.
 * Checked before anything is sized by it.
 */
public record AttentionShape(int headCount, int headCountKv, int keyLength, int valueLength, int ropeDimensionCount) {

    /** {arch}.attention.head_count, head_count_kv, key_length, value_length and {arch}.rope.dimension_count. */
    public static AttentionShape read(Metadata m, String arch, int embeddingLength) {
        int heads = m.requireInt(arch + ".attention.head_count");
        int kvHeads = m.getInt(arch + ".attention.head_count_kv", heads);
        if (embeddingLength <= 0 || heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0)
            throw new FormatException("invalid attention shape: " + heads + " heads, " + kvHeads + " KV heads, embedding " + embeddingLength);
        int keyLength = m.getInt(arch + ".attention.key_length", embeddingLength / heads);
        int valueLength = m.getInt(arch + ".attention.value_length", embeddingLength / heads);
        if (keyLength <= 0 || valueLength <= 0) throw new FormatException("invalid head size: key " + keyLength + ", value " + valueLength);
        int ropeDims = m.getInt(arch + ".rope.dimension_count", keyLength);
        if (ropeDims <= 0 || ropeDims > keyLength || ropeDims % 2 != 0)
            throw new FormatException("invalid rope.dimension_count " + ropeDims + " for head size " + keyLength);
        return new AttentionShape(heads, kvHeads, keyLength, valueLength, ropeDims);
    }
}
