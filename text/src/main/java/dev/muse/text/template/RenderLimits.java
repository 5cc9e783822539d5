package dev.muse.text.template;

/**
 * Bounds on one render, so a hostile template from a model file cannot hang the server or exhaust
 * its memory: every limit that is hit ends the render with a {@link TemplateException}.
 *
 * @param maxSteps          evaluation steps (statements, expressions, loop iterations, and one step
 *                          per element or 64 characters of any list or string the render builds)
 * @param maxChars          the longest string or output buffer the render may build
 * @param maxItems          the longest list the render may build ({@code range}, concatenation)
 * @param maxCallDepth      nested macro calls, which bounds recursion
 * @param maxValueDepth     nesting of values turned into text or JSON, and of the context itself
 */
public record RenderLimits(long maxSteps, int maxChars, int maxItems, int maxCallDepth, int maxValueDepth) {

    /** Generous for real chat templates over long conversations (16M characters is ~4M tokens). */
    public static final RenderLimits DEFAULT = new RenderLimits(20_000_000L, 16 << 20, 1_000_000, 64, 128);

    public RenderLimits {
        if (maxSteps <= 0 || maxChars <= 0 || maxItems <= 0 || maxCallDepth <= 0 || maxValueDepth <= 0) {
            throw new IllegalArgumentException("render limits must be positive");
        }
    }
}
