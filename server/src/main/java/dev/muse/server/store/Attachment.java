package dev.muse.server.store;

import java.time.Instant;

/** Metadata of a stored attachment. The store keeps no bytes; {@code sha256} identifies them wherever they are kept. */
public record Attachment(String id, String messageId, AttachmentKind kind, String mimeType, long byteSize, String sha256,
                         String fileName, Instant createdAt) {}
