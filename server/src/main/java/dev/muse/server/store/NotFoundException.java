package dev.muse.server.store;

/**
 * No such object for this owner. Another owner's object gets the very same answer as one that never
 * existed, so an API key cannot even learn that someone else's conversation id is in use.
 */
public final class NotFoundException extends StoreException {
    public NotFoundException(String what, String id) {
        super("no such " + what + ": " + id);
    }
}
