package dev.muse.server.store;

import java.util.Locale;

/** What an attachment holds; its MIME type must be of the same top-level type. */
public enum AttachmentKind {
    IMAGE, AUDIO;

    String wireName() { return name().toLowerCase(Locale.ROOT); }

    static AttachmentKind fromWireName(String name) { return valueOf(name.toUpperCase(Locale.ROOT)); }
}
