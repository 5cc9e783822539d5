package dev.muse.server.store;

import java.util.Locale;

/**
 * Whether a message is whole. An assistant reply is INCOMPLETE from its first streamed token until
 * {@link Messages#finish}; one that stays INCOMPLETE was cut off (the process died, or the client left)
 * and holds the text that was saved before that.
 */
public enum MessageStatus {
    COMPLETE, INCOMPLETE;

    String wireName() { return name().toLowerCase(Locale.ROOT); }

    static MessageStatus fromWireName(String name) { return valueOf(name.toUpperCase(Locale.ROOT)); }
}
