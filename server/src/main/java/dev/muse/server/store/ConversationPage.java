package dev.muse.server.store;

import java.util.List;

/**
 * One page of a listing, newest first.
 *
 * @param nextCursor pass it as {@code before} for the next page; null on the last page. Opaque to callers.
 */
public record ConversationPage(List<Conversation> conversations, String nextCursor) {
    public ConversationPage {
        conversations = List.copyOf(conversations);
    }
}
