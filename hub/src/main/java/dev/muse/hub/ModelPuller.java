package dev.muse.hub;

import static dev.muse.hub.ProgressBar.humanBytes;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Optional;

/**
 * Downloads one file from the hub into the model cache: into {@code NAME.part} first, resumed with a Range
 * request when a part is already there (appended on 206, started over on 200), verified against the pinned or
 * hub-announced SHA-256, then moved into place atomically with a {@link PullRecord} beside it. A mismatch
 * deletes the part and adds nothing to the cache. A broken transfer is resumed up to {@link Patience#attempts()}
 * times; after that the part stays and the next run goes on from it.
 */
public final class ModelPuller {
    private static final int BUFFER = 1 << 20;

    private final HubSettings hub;
    private final Path cache;
    private final DownloadProgress progress;
    private final Patience patience;

    /**
     * @param name            the file's name in the cache (null: the source's own file name)
     * @param force           download again even when the cache already holds the file
     * @param allowUnverified accept a file whose SHA-256 nobody pinned or announced (it is recorded, not checked)
     */
    public record Options(String name, boolean force, boolean allowUnverified) {
        public static final Options DEFAULT = new Options(null, false, false);
    }

    /** The file in the cache, its record, and whether this call downloaded it (false: it was already there). */
    public record Result(Path file, PullRecord record, boolean downloaded) {}

    public ModelPuller(HubSettings hub, Path cache, DownloadProgress progress) { this(hub, cache, progress, Patience.DEFAULT); }

    public ModelPuller(HubSettings hub, Path cache, DownloadProgress progress, Patience patience) {
        this.hub = hub;
        this.cache = cache;
        this.progress = progress;
        this.patience = patience;
    }

    /**
     * Pulls a model and, when {@code projector} is not null, its vision projector beside it as {@code mmproj-<model file>}
     * (where Muse looks for it); the results in that order.
     */
    public java.util.List<Result> pull(ModelSource source, ModelSource projector, Options options) throws IOException {
        Result model = pull(source, options);
        if (projector == null) return java.util.List.of(model);
        Options beside = new Options("mmproj-" + model.file().getFileName(), options.force(), options.allowUnverified());
        return java.util.List.of(model, pull(projector, beside));
    }

    /**
     * Pulls a model made of several files (a diffusers pipeline) into the folder {@code folder} of the cache, each at its
     * path in the repository (unet/config.json lands in FOLDER/unet/config.json), each resumed and verified as one file
     * is; the results in the order given.
     */
    public java.util.List<Result> pullFolder(String folder, java.util.List<ModelAliases.FolderFile> files, Options options) throws IOException {
        if (!ModelFiles.isSafeName(folder) || folder.startsWith("."))
            throw new PullException("refusing the cache folder " + ModelSource.quote(folder) + ": a model's name is one plain name");
        java.util.List<Result> results = new java.util.ArrayList<>();
        for (ModelAliases.FolderFile file : files) {
            // every segment was checked when the alias was made (a repository path, or a source's own file name)
            String path = file.at();
            for (String segment : path.split("/", -1)) ModelSource.requireSafeSegment(segment, folder + "/" + path);
            Path dir = path.contains("/") ? cache.resolve(folder).resolve(path.substring(0, path.lastIndexOf('/'))) : cache.resolve(folder);
            String name = path.substring(path.lastIndexOf('/') + 1);
            results.add(new ModelPuller(hub, dir, progress, patience).pull(file.source(), new Options(name, options.force(), options.allowUnverified())));
        }
        return results;
    }

    /** Pulls what an alias names: its file (and projector) into the cache, or its files into a folder named after it. */
    public java.util.List<Result> pull(ModelAliases.Alias alias, Options options) throws IOException {
        if (alias.isFolder()) return pullFolder(options.name() != null ? options.name() : alias.name(), alias.folderFiles(), options);
        return pull(alias.source(), alias.projector(), options);
    }

    public Result pull(ModelSource source, Options options) throws IOException {
        String name = options.name() != null ? options.name() : source.fileName();
        if (!ModelFiles.isSafeName(name) || name.endsWith(".part") || name.startsWith("."))
            throw new PullException("refusing the cache name " + ModelSource.quote(name) + ": a model's name is one plain file name");
        Path target = cache.resolve(name);
        Optional<Result> present = alreadyPresent(source, name, target, options);
        if (present.isPresent()) return present.get();

        Files.createDirectories(cache);
        Path part = cache.resolve(name + ".part");
        if (Files.isSymbolicLink(part))
            throw new PullException("refusing to download into " + part + ": it is a symbolic link, and a download stays inside the cache");
        URI url = source.url(hub.endpoint());
        progress.note("pulling " + source.spec() + " from " + url.getScheme() + "://" + url.getAuthority() + " into " + target);
        Transfer transfer;
        // NOFOLLOW_LINKS: a NAME.part planted as a symlink must not make the download write outside the cache
        try (FileChannel channel = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
             FileLock ignored = lock(channel, part)) {
            try {
                transfer = transferWithRetries(source, name, url, channel, options);
                channel.force(true);
            } catch (IOException | RuntimeException e) {
                if (channel.size() == 0) Files.deleteIfExists(part); // nothing worth resuming: leave no litter
                throw e;
            }
        }
        if (transfer.expected() != null && !transfer.expected().equals(transfer.sha256())) {
            Files.deleteIfExists(part);
            throw new PullException("SHA-256 mismatch for " + name + ": expected " + transfer.expected() + " (" + transfer.expectedFrom()
                    + "), got " + transfer.sha256() + "; the download was deleted and nothing was added to the cache");
        }
        boolean verified = transfer.expected() != null;
        if (!verified && transfer.blobSha1() != null) { // a small file outside LFS: the hub vouches for it by its git blob id
            String got = blobSha1(part);
            if (!transfer.blobSha1().equals(got)) {
                Files.deleteIfExists(part);
                throw new PullException("git blob SHA-1 mismatch for " + name + ": the hub announced " + transfer.blobSha1() + ", got " + got
                        + "; the download was deleted and nothing was added to the cache");
            }
            verified = true;
            progress.note("verified " + name + ": git blob SHA-1 " + got + " (announced by the hub); SHA-256 " + transfer.sha256());
        } else {
            progress.note(verified ? "verified " + name + ": SHA-256 " + transfer.sha256()
                    : "NOT verified " + name + ": no SHA-256 was pinned or announced (--allow-unverified); recorded SHA-256 " + transfer.sha256());
        }
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        PullRecord record = new PullRecord(name, source.spec(), url.toString(), transfer.sha256(), transfer.size(), Instant.now(), verified);
        record.write(cache);
        progress.note("saved " + target + " (" + humanBytes(transfer.size()) + ")");
        return new Result(target, record, true);
    }

    /** Pulling what is already there is a no-op; replacing something else needs --force. */
    private Optional<Result> alreadyPresent(ModelSource source, String name, Path target, Options options) throws PullException {
        if (options.force() || !Files.exists(target)) return Optional.empty();
        Optional<PullRecord> record = PullRecord.read(cache, name);
        if (record.isPresent() && record.get().origin().equals(source.spec())
                && (source.sha256() == null || source.sha256().equals(record.get().sha256()))) {
            progress.note(name + " is already in the cache (" + source.spec() + ", SHA-256 " + record.get().sha256() + ")");
            return Optional.of(new Result(target, record.get(), false));
        }
        throw new PullException(target + " already exists" + record.map(r -> " (from " + r.origin() + ")").orElse(" (not pulled by muse)")
                + ": pass --force to replace it, or --name to store " + source.spec() + " under another name");
    }

    private static FileLock lock(FileChannel channel, Path part) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) throw new PullException("another muse pull is writing " + part + "; wait for it to finish");
        return lock;
    }

    /** What one successful transfer produced: the digest of the whole file and what it should have been (or its git blob id). */
    private record Transfer(String sha256, long size, String expected, String expectedFrom, String blobSha1) {}

    /** Git's id of a file's content: SHA-1 of "blob SIZE\0" and the bytes. */
    static String blobSha1(Path file) throws IOException {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(("blob " + Files.size(file) + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buffer = new byte[BUFFER];
                for (int n; (n = in.read(buffer)) > 0; ) sha1.update(buffer, 0, n);
            }
            return ModelSource.hex(sha1.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Transfer transferWithRetries(ModelSource source, String name, URI url, FileChannel channel, Options options) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return transfer(source, name, url, channel, options);
            } catch (PullException.Unreachable e) {
                if (attempt == 1) throw new PullException.Unreachable(e.getMessage() + offlineAdvice(), e.getCause());
                if (attempt >= patience.attempts()) throw stopped(name, channel, e);
                pause(name, channel, e, attempt);
            } catch (TransferInterrupted e) {
                if (attempt >= patience.attempts()) throw stopped(name, channel, e);
                pause(name, channel, e, attempt);
            }
        }
    }

    private String offlineAdvice() {
        return ": is this machine offline? Without a network, copy the .gguf file into " + cache + ", or for the bundled"
                + " stories260K set MUSE_OFFLINE_MODELS to a folder holding stories260K/ (air-gapped install: docs/models.md)";
    }

    private PullException stopped(String name, FileChannel channel, IOException e) throws IOException {
        long have = channel.size();
        return new PullException("download of " + name + " stopped (" + e.getMessage() + ")"
                + (have > 0 ? "; " + humanBytes(have) + " are kept: run the same command again to resume" : ""), e);
    }

    private void pause(String name, FileChannel channel, IOException e, int attempt) throws IOException {
        progress.note(e.getMessage() + "; resuming " + name + " from " + humanBytes(channel.size()) + " (attempt " + (attempt + 1)
                + " of " + patience.attempts() + ")");
        try {
            Thread.sleep(patience.retryDelay().multipliedBy(attempt));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to resume " + name);
        }
    }

    /** One GET, resumed from the part's length: appends on 206, starts over on 200, hashes the whole file. */
    private Transfer transfer(ModelSource source, String name, URI url, FileChannel channel, Options options) throws IOException {
        long have = channel.size();
        try (HubClient client = new HubClient(hub, patience); HubClient.Answer answer = client.get(url, have)) {
            String expected = source.sha256() != null ? source.sha256() : answer.linkedSha256();
            String expectedFrom = source.sha256() != null ? "pinned" : "announced by the hub";
            if (source.sha256() != null && answer.linkedSha256() != null && !source.sha256().equals(answer.linkedSha256()))
                throw new PullException("the hub announces SHA-256 " + answer.linkedSha256() + " for " + source.spec() + " but " + source.sha256()
                        + " is pinned: the file changed upstream, or it is not the one meant; refusing it");
            if (expected == null && answer.blobSha1() == null && !options.allowUnverified())
                throw new PullException("nobody vouches for " + source.spec() + ": no SHA-256 is pinned and the hub announced none (X-Linked-Etag)"
                        + " nor a git blob id (ETag); pass --sha256 HEX to pin one, or --allow-unverified to take it unverified");
            long announced = source.size() >= 0 ? source.size() : answer.linkedSize();

            long start = switch (answer.status()) {
                case 206 -> resumeOffset(answer, have, channel);
                case 416 -> {
                    if (announced >= 0 && have == announced) yield have; // the part was complete already
                    channel.truncate(0);
                    throw new TransferInterrupted("the server would not resume at byte " + have + "; starting over");
                }
                default -> {
                    if (have > 0) progress.note("the server does not resume downloads; starting " + name + " over");
                    channel.truncate(0);
                    yield 0;
                }
            };
            long total = totalSize(answer, start, announced);
            if (total >= 0) requireSpace(name, total - start);

            MessageDigest digest = PullRecord.newDigest();
            hashPrefix(channel, start, digest);
            long size = copy(name, answer.status() == 416 ? InputStream.nullInputStream() : answer.body(), channel, start, total, digest);
            return new Transfer(ModelSource.hex(digest.digest()), size, expected, expectedFrom, expected == null ? answer.blobSha1() : null);
        }
    }

    /** A 206 must continue exactly where the part ends; anything else means starting over. */
    private static long resumeOffset(HubClient.Answer answer, long have, FileChannel channel) throws IOException {
        long start = contentRangeStart(answer.headers().firstValue("content-range").orElse(""));
        if (start != have) {
            channel.truncate(0);
            throw new TransferInterrupted("the server resumed at byte " + start + " instead of " + have + "; starting over");
        }
        return start;
    }

    static long contentRangeStart(String contentRange) {
        // "bytes START-END/TOTAL" (TOTAL may be *)
        String v = contentRange.strip();
        if (!v.startsWith("bytes ") || v.indexOf('-') < 0) return -1;
        try {
            return Long.parseLong(v.substring(6, v.indexOf('-')).strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The file's full size: what was announced, checked against what the server says it is sending. */
    private static long totalSize(HubClient.Answer answer, long start, long announced) throws PullException {
        long framed = -1;
        String contentRange = answer.headers().firstValue("content-range").orElse("");
        int slash = contentRange.lastIndexOf('/');
        if (answer.status() == 206 && slash >= 0 && !contentRange.endsWith("*")) {
            try {
                framed = Long.parseLong(contentRange.substring(slash + 1).strip());
            } catch (NumberFormatException e) {
                framed = -1;
            }
        } else if (answer.status() == 200 && answer.header("content-length") >= 0) {
            framed = answer.header("content-length");
        } else if (answer.status() == 416) {
            framed = start;
        }
        if (announced >= 0 && framed >= 0 && announced != framed)
            throw new PullException("the server is sending " + framed + " bytes but " + announced + " were announced for this file; refusing it");
        return announced >= 0 ? announced : framed;
    }

    private void requireSpace(String name, long remaining) throws IOException {
        long free = Files.getFileStore(cache).getUsableSpace();
        if (remaining > free)
            throw new PullException("not enough disk space in " + cache + ": " + name + " needs " + humanBytes(remaining) + " more, "
                    + humanBytes(free) + " are free");
    }

    /** Resuming: the digest must cover the bytes already on disk before the new ones. */
    private static void hashPrefix(FileChannel channel, long length, MessageDigest digest) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
        for (long position = 0; position < length; ) {
            buffer.clear().limit((int) Math.min(BUFFER, length - position));
            int n = channel.read(buffer, position);
            if (n < 0) throw new IOException("the partial file shrank while being read");
            position += n;
            digest.update(buffer.flip());
        }
    }

    private long copy(String name, InputStream body, FileChannel channel, long start, long total, MessageDigest digest) throws IOException {
        byte[] buffer = new byte[BUFFER];
        long position = start;
        progress.start(name, total, start);
        try (StallWatch watch = new StallWatch(body, patience.stall())) {
            try {
                for (int n; (n = body.read(buffer)) > 0; ) {
                    if (total >= 0 && position + n > total) {
                        channel.truncate(0);
                        throw new PullException("the server sent more than the " + total + " bytes announced for " + name + "; refusing it");
                    }
                    for (ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n); chunk.hasRemaining(); ) position += channel.write(chunk, position);
                    digest.update(buffer, 0, n);
                    watch.touch();
                    progress.advance(position);
                }
            } catch (PullException e) {
                throw e;
            } catch (IOException e) {
                throw new TransferInterrupted(lostAt(watch, position, total, e), e);
            }
            if (total >= 0 && position < total) throw new TransferInterrupted(lostAt(watch, position, total, null));
            return position;
        } finally {
            progress.finish();
        }
    }

    private String lostAt(StallWatch watch, long position, long total, IOException e) {
        long ms = patience.stall().toMillis();
        String why = watch.stalled() ? "no data for " + (ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms") : "connection lost";
        return why + " at " + humanBytes(position) + (total >= 0 ? " of " + humanBytes(total) : "");
    }
}
