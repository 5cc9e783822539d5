package dev.muse.runtime;

import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * Which turns of a conversation fit its context window: the leading system messages and the newest messages, leaving
 * out as few of the oldest others as it takes. The newest message always stays; the kept history never starts with an
 * assistant's answer to a question that was left out.
 */
final class ContextFit {
    private ContextFit() {}

    /**
     * How many of the oldest non-system messages to leave out so that {@code promptLength.applyAsInt(leftOut)} is at most
     * {@code limit}; as many as may be left out when even that is too long (the prompt is then refused as too long).
     * Leaving out more never makes the prompt longer, so this searches by halves: a few renderings, not one per message.
     */
    static int leftOut(List<ChatRequest.Message> messages, IntUnaryOperator promptLength, int limit) {
        int system = systemMessages(messages), droppable = messages.size() - 1 - system;
        if (droppable <= 0 || promptLength.applyAsInt(0) <= limit) return 0;
        int low = 1, high = droppable; // promptLength(high) may still be over: then high is the answer anyway
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (promptLength.applyAsInt(middle) <= limit) high = middle;
            else low = middle + 1;
        }
        boolean answerFirst = low < droppable && messages.get(system + low).role().equals("assistant");
        return answerFirst ? low + 1 : low;
    }

    /** The messages that stay when {@code leftOut} are left out: the leading system messages, then the newest ones. */
    static List<ChatRequest.Message> kept(List<ChatRequest.Message> messages, int leftOut) {
        int system = systemMessages(messages);
        if (leftOut == 0) return messages;
        List<ChatRequest.Message> kept = new java.util.ArrayList<>(messages.subList(0, system));
        kept.addAll(messages.subList(system + leftOut, messages.size()));
        return kept;
    }

    /** Index in {@code messages} of the {@code i}-th message kept when {@code leftOut} are left out. */
    static int original(List<ChatRequest.Message> messages, int leftOut, int i) {
        return i < systemMessages(messages) ? i : i + leftOut;
    }

    private static int systemMessages(List<ChatRequest.Message> messages) {
        int n = 0;
        while (n < messages.size() - 1 && messages.get(n).role().equals("system")) n++;
        return n;
    }
}
