package dev.muse.text.template;

/**
 * The running account of one render against its {@link RenderLimits}. Work is charged where it
 * happens (each node evaluated, each element copied, each 64 characters built), so an exponential
 * blow-up such as doubling a string in a loop is stopped after a few iterations, not after the heap
 * is gone.
 */
final class Budget {
    final RenderLimits limits;
    private long steps;
    private int callDepth;

    Budget(RenderLimits limits) {
        this.limits = limits;
    }

    void step() {
        if (++steps > limits.maxSteps()) {
            throw new TemplateException("template exceeded the limit of " + limits.maxSteps() + " evaluation steps");
        }
    }

    void charge(long work) {
        steps += work;
        if (steps > limits.maxSteps()) {
            throw new TemplateException("template exceeded the limit of " + limits.maxSteps() + " evaluation steps");
        }
    }

    /** Accounts for a string the render is about to keep; fails if it is too long. */
    String string(String s) {
        chars(s.length());
        return s;
    }

    /** Accounts for text of the given length; fails if it is too long. */
    void chars(long length) {
        checkLength(length);
        charge(length >> 6);
    }

    private void checkLength(long length) {
        if (length > limits.maxChars()) {
            throw new TemplateException("template built a string longer than the limit of " + limits.maxChars() + " characters");
        }
    }

    /** Accounts for a list of the given size the render is about to build; fails if it is too big. */
    void items(long size) {
        if (size > limits.maxItems()) {
            throw new TemplateException("template built a list longer than the limit of " + limits.maxItems() + " items");
        }
        charge(size);
    }

    /** Appends to an output buffer, keeping it within the character limit. */
    void append(StringBuilder out, String s) {
        checkLength((long) out.length() + s.length());
        charge(s.length() >> 6);
        out.append(s);
    }

    void enterCall() {
        if (++callDepth > limits.maxCallDepth()) {
            callDepth--;
            throw new TemplateException("macro calls nested deeper than the limit of " + limits.maxCallDepth());
        }
    }

    void exitCall() {
        callDepth--;
    }

    void checkDepth(int depth) {
        if (depth > limits.maxValueDepth()) {
            throw new TemplateException("value nested deeper than the limit of " + limits.maxValueDepth()
                    + " (a namespace that contains itself?)");
        }
    }
}
