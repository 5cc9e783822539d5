package dev.muse.server.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * API keys. A secret is {@code muse-} followed by 43 base64url characters (32 random bytes); the store
 * keeps its SHA-256 and its first characters (the prefix, for listings), never the secret. A plain hash
 * is enough, unlike for passwords: 256 random bits cannot be guessed, so slow hashing would buy nothing.
 */
public final class ApiKeys {
    static final String SECRET_START = "muse-";
    static final int SECRET_RANDOM_BYTES = 32;
    static final int SECRET_LENGTH = SECRET_START.length() + 43;
    /** "muse-" and 8 random characters: 48 bits, so two keys practically never share a prefix. */
    static final int PREFIX_LENGTH = SECRET_START.length() + 8;
    /** last_used_at is a hint for people, not an audit log: refresh it at most this often, not on every request. */
    static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);

    private static final String COLUMNS = "id, name, prefix, created_at, last_used_at, revoked_at, admin, muse_tools, text_watermark, safety_policy";

    private final Database database;
    private final Clock clock;

    ApiKeys(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** Makes a key that reaches its own data only. The returned secret is the only copy there will ever be. */
    public CreatedKey create(String name) {
        return create(name, false, false);
    }

    /** Makes a key, an admin one when {@code admin}. The returned secret is the only copy there will ever be. */
    public CreatedKey create(String name, boolean admin) {
        return create(name, admin, false);
    }

    /**
     * Makes a key, an admin one when {@code admin}, whose chats have Muse's own tools unless a request says otherwise when
     * {@code museTools}. The returned secret is the only copy there will ever be.
     */
    public CreatedKey create(String name, boolean admin, boolean museTools) {
        return create(name, admin, museTools, false);
    }

    /** As {@link #create(String, boolean, boolean)}, and with {@code textWatermark} the text it generates carries the installation's text watermark. */
    public CreatedKey create(String name, boolean admin, boolean museTools, boolean textWatermark) {
        return create(name, admin, museTools, textWatermark, null);
    }

    /** As {@link #create(String, boolean, boolean, boolean)}, with the safety screening's policy for it (null: block every hazard). */
    public CreatedKey create(String name, boolean admin, boolean museTools, boolean textWatermark, String safetyPolicy) {
        String cleanName = name == null || name.isBlank() ? "unnamed" : name.strip();
        if (cleanName.length() > 200) throw new IllegalArgumentException("key name longer than 200 characters");
        String secret = SECRET_START + RandomIds.urlSafe(SECRET_RANDOM_BYTES);
        ApiKey key = new ApiKey(RandomIds.next("key_"), cleanName, secret.substring(0, PREFIX_LENGTH), now(), null, null, admin, museTools, textWatermark, safetyPolicy);
        database.write(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO api_keys (id, name, prefix, secret_sha256, created_at, admin, muse_tools, text_watermark, safety_policy) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, key.id());
                insert.setString(2, key.name());
                insert.setString(3, key.prefix());
                insert.setString(4, sha256Hex(secret));
                insert.setLong(5, key.createdAt().toEpochMilli());
                insert.setBoolean(6, admin);
                insert.setBoolean(7, museTools);
                insert.setBoolean(8, textWatermark);
                insert.setString(9, safetyPolicy);
                return insert.executeUpdate();
            }
        });
        return new CreatedKey(key, secret);
    }

    /** Every key, revoked ones included, oldest first. */
    public List<ApiKey> list() {
        return database.read(connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS + " FROM api_keys ORDER BY created_at, id")) {
                return keys(query);
            }
        });
    }

    /** Whether any key is valid: without one, a server that must check keys could let nobody in. */
    public boolean anyActive() {
        return database.read(connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM api_keys WHERE revoked_at IS NULL");
                 ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        });
    }

    /**
     * Revokes the key with this id or prefix; revoking a revoked key changes nothing. Unknown: NotFoundException;
     * a prefix two keys share: IllegalArgumentException asking for the id.
     */
    public ApiKey revoke(String idOrPrefix) {
        String wanted = idOrPrefix == null ? "" : idOrPrefix.strip();
        return database.write(connection -> {
            List<ApiKey> matches;
            try (PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS + " FROM api_keys WHERE id = ? OR prefix = ?")) {
                query.setString(1, wanted);
                query.setString(2, wanted);
                matches = keys(query);
            }
            if (matches.isEmpty()) throw new NotFoundException("key", wanted);
            if (matches.size() > 1) throw new IllegalArgumentException("prefix " + wanted + " matches " + matches.size() + " keys; give the key id");
            ApiKey key = matches.getFirst();
            if (key.revoked()) return key;
            Instant now = now();
            try (PreparedStatement update = connection.prepareStatement("UPDATE api_keys SET revoked_at = ? WHERE id = ?")) {
                update.setLong(1, now.toEpochMilli());
                update.setString(2, key.id());
                update.executeUpdate();
            }
            return new ApiKey(key.id(), key.name(), key.prefix(), key.createdAt(), key.lastUsedAt(), now, key.admin(), key.museTools(), key.textWatermark(), key.safetyPolicy());
        });
    }

    /**
     * The valid key this secret belongs to, or empty. Candidates are found by prefix, then the hashes
     * are compared in constant time, so response timing says nothing about how close a guess was.
     */
    public Optional<ApiKey> authenticate(String secret) {
        if (secret == null || secret.length() != SECRET_LENGTH || !secret.startsWith(SECRET_START)) return Optional.empty();
        byte[] presented = sha256(secret);
        Optional<ApiKey> match = database.read(connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT " + COLUMNS + ", secret_sha256 FROM api_keys WHERE prefix = ?")) {
                query.setString(1, secret.substring(0, PREFIX_LENGTH));
                try (ResultSet rows = query.executeQuery()) {
                    ApiKey found = null;
                    while (rows.next()) {
                        boolean same = MessageDigest.isEqual(presented, HexFormat.of().parseHex(rows.getString("secret_sha256")));
                        if (same && rows.getObject("revoked_at") == null) found = key(rows);
                    }
                    return Optional.ofNullable(found);
                }
            }
        });
        match.ifPresent(this::noteUse);
        return match;
    }

    private void noteUse(ApiKey key) {
        Instant now = now();
        if (key.lastUsedAt() != null && key.lastUsedAt().plus(LAST_USED_RESOLUTION).isAfter(now)) return;
        database.write(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE api_keys SET last_used_at = ? WHERE id = ?")) {
                update.setLong(1, now.toEpochMilli());
                update.setString(2, key.id());
                return update.executeUpdate();
            }
        });
    }

    private Instant now() { return Instant.ofEpochMilli(clock.millis()); }

    private static List<ApiKey> keys(PreparedStatement query) throws SQLException {
        List<ApiKey> keys = new ArrayList<>();
        try (ResultSet rows = query.executeQuery()) {
            while (rows.next()) keys.add(key(rows));
        }
        return keys;
    }

    private static ApiKey key(ResultSet row) throws SQLException {
        return new ApiKey(row.getString("id"), row.getString("name"), row.getString("prefix"),
                SqlValues.instant(row, "created_at"), SqlValues.instantOrNull(row, "last_used_at"), SqlValues.instantOrNull(row, "revoked_at"),
                row.getBoolean("admin"), row.getBoolean("muse_tools"), row.getBoolean("text_watermark"),
                row.getString("safety_policy"));
    }

    static String sha256Hex(String secret) { return HexFormat.of().formatHex(sha256(secret)); }

    private static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
