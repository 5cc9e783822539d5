package dev.muse.server.store;

import java.util.Locale;

/** Who said a message; stored and shown in the OpenAI spelling ({@code "assistant"}). */
public enum Role {
    SYSTEM, USER, ASSISTANT, TOOL;

    public String wireName() { return name().toLowerCase(Locale.ROOT); }

    public static Role fromWireName(String name) {
        for (Role role : values()) if (role.wireName().equals(name)) return role;
        throw new IllegalArgumentException("unknown role: " + name);
    }
}
