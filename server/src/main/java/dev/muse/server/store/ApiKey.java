package dev.muse.server.store;

import java.time.Instant;

/**
 * A stored API key, without its secret (which is never stored) or hash (which is never shown).
 *
 * @param prefix     the secret's first characters, e.g. {@code muse-Ab3dE9xY}: enough to tell keys apart
 * @param lastUsedAt null if never used; updated at most once a minute, so it is approximate
 * @param revokedAt  null while the key is valid
 * @param admin      whether it may also do what concerns the whole server (unload a model), not only its own data
 * @param museTools  whether its chats have Muse's own tools unless a request says otherwise
 * @param textWatermark whether the text it generates carries the installation's text watermark
 * @param safetyPolicy  what the safety screening does with each hazard for it ({@code S6=flag,S13=off}); null: block all
 */
public record ApiKey(String id, String name, String prefix, Instant createdAt, Instant lastUsedAt, Instant revokedAt, boolean admin,
                     boolean museTools, boolean textWatermark, String safetyPolicy) {
    public boolean revoked() { return revokedAt != null; }

    /** The owner of everything stored with this key. Key ids never equal {@link Store#LOCAL_OWNER}. */
    public String owner() { return id; }
}
