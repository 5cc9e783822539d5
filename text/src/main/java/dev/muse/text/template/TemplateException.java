package dev.muse.text.template;

/**
 * Why a chat template could not be parsed or rendered. Chat templates come from model files, so every
 * failure (a syntax error, an unsupported feature, a sandbox limit, the template's own
 * {@code raise_exception}) surfaces as this one exception, with the line and column in the original
 * template source where that is known, rather than as partial or silently wrong output.
 */
public final class TemplateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String reason;
    private final int line;
    private final int column;
    private final boolean raisedByTemplate;

    /** A failure whose position is not known yet; the interpreter adds it on the way out. */
    TemplateException(String reason) {
        this(reason, 0, 0, false);
    }

    private TemplateException(String reason, int line, int column, boolean raisedByTemplate) {
        super(line > 0 ? reason + " (line " + line + ", column " + column + ")" : reason);
        this.reason = reason;
        this.line = line;
        this.column = column;
        this.raisedByTemplate = raisedByTemplate;
    }

    static TemplateException at(String reason, int line, int column) {
        return new TemplateException(reason, line, column, false);
    }

    /** The template called {@code raise_exception(message)}: it refuses this conversation. */
    static TemplateException raised(String message) {
        return new TemplateException(message, 0, 0, true);
    }

    /** This failure, placed at the given source position unless it already has one. */
    TemplateException locate(int line, int column) {
        return this.line > 0 ? this : new TemplateException(reason, line, column, raisedByTemplate);
    }

    /** The message without the position suffix. */
    public String reason() { return reason; }

    /** 1-based line in the template source, or 0 when unknown. */
    public int line() { return line; }

    /** 1-based column (in UTF-16 units) in the template source, or 0 when unknown. */
    public int column() { return column; }

    /** True when the template itself rejected the input through {@code raise_exception}. */
    public boolean raisedByTemplate() { return raisedByTemplate; }
}
