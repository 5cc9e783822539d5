package dev.muse.text;

/**
 * The kind of a vocabulary entry, with the codes GGUF stores in {@code tokenizer.ggml.token_type}
 * (the values of SentencePiece's {@code ModelProto.SentencePiece.Type}).
 */
public enum TokenType {
    /** Ordinary text piece, produced by merges. */
    NORMAL(1),
    /** The unknown-piece placeholder ({@code <unk>}). */
    UNKNOWN(2),
    /** Control token such as {@code <s>} or {@code <|eot_id|>}: never produced from plain text. */
    CONTROL(3),
    /** Added token that is always cut out of the text as a whole and emitted verbatim. */
    USER_DEFINED(4),
    /** Reserved slot no tokenizer produces. */
    UNUSED(5),
    /** SentencePiece byte-fallback piece {@code <0xNN>}. */
    BYTE(6);

    private final int code;

    TokenType(int code) {
        this.code = code;
    }

    /** The GGUF code. */
    public int code() {
        return code;
    }

    /**
     * The type for a GGUF code. Unknown codes (0 = "undefined" in some converters) read as
     * {@link #NORMAL}, which is what llama.cpp does with them.
     */
    public static TokenType of(int code) {
        return switch (code) {
            case 2 -> UNKNOWN;
            case 3 -> CONTROL;
            case 4 -> USER_DEFINED;
            case 5 -> UNUSED;
            case 6 -> BYTE;
            default -> NORMAL;
        };
    }
}
