package dev.muse.server.store;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Unguessable, URL-safe identifiers. Ids are random rather than sequential so that an id in a URL
 * reveals nothing about how many conversations exist or who made them.
 */
final class RandomIds {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder().withoutPadding();

    private RandomIds() {}

    /** {@code prefix} + 22 base64url characters (128 random bits), e.g. {@code conv_Q2x...}. */
    static String next(String prefix) {
        return prefix + urlSafe(16);
    }

    /** {@code bytes} random bytes in base64url without padding. */
    static String urlSafe(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return URL_SAFE.encodeToString(random);
    }
}
