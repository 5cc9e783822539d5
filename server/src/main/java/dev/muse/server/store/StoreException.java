package dev.muse.server.store;

/**
 * The database could not be opened, migrated, read or written. The message is one line meant for a
 * person (the server log, a {@code muse: ...} line); the JDBC cause is kept for debugging.
 */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    public StoreException(String message) {
        super(oneLine(message));
    }

    /** Drivers put hints on later lines; a person reading a log wants them on the same one. */
    static String oneLine(String message) {
        return message == null ? null : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
