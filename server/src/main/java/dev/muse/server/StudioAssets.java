package dev.muse.server;

import dev.muse.server.openai.ApiException;
import dev.muse.server.openai.Json;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Muse Studio, the browser UI: static files read from the classpath folder {@value #ROOT}, which the
 * muse-studio jar provides. {@code GET /} is its index.html and {@code GET /studio/PATH} its other files.
 * Without that jar on the classpath the server works as before and these answer 404.
 *
 * <p>Only names made of lower-case letters, digits, '-', '_' and '.' in folders of the same are looked up,
 * and only with an extension of the content-type table, so a request can never reach another resource
 * (no "..", no class files). Every page gets a Content-Security-Policy that allows scripts, styles and
 * connections from this server only: model output rendered by mistake as HTML still could not run.
 */
final class StudioAssets implements HttpService {
    static final String ROOT = "dev/muse/studio/web/";

    private static final Pattern SAFE_PATH = Pattern.compile("(?:[a-z0-9][a-z0-9_-]*/){0,4}[a-z0-9][a-z0-9_-]*(?:\\.[a-z0-9_-]+)*\\.([a-z0-9]+)");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "webmanifest", "application/manifest+json");
    private static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:;"
            + " media-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none';"
            + " frame-ancestors 'none'";

    private record Asset(byte[] bytes, String type, String etag) {}

    private final ClassLoader loader;
    /** Files of a jar never change while the process runs, so each is read and hashed once (misses are not kept). */
    private final Map<String, Asset> cache = new ConcurrentHashMap<>();

    StudioAssets(ClassLoader loader) { this.loader = loader; }

    StudioAssets() { this(StudioAssets.class.getClassLoader()); }

    /** Whether the studio's files are on the classpath. */
    boolean present() { return asset("index.html").isPresent(); }

    @Override public void routing(HttpRules rules) {
        rules.get("/*", (req, res) -> {
            String path = req.path().absolute().path();
            serve(req, res, path.startsWith("/studio/") ? path.substring("/studio/".length()) : "");
        });
    }

    /** Answers {@code GET /}. */
    void index(ServerRequest req, ServerResponse res) { serve(req, res, "index.html"); }

    private void serve(ServerRequest req, ServerResponse res, String path) {
        Asset asset = asset(path).orElseThrow(() -> ApiException.notFound(
                present() ? "No studio file " + req.path().absolute().path() : "Muse Studio is not part of this installation (the muse-studio jar is not on the classpath)"));
        res.header(HeaderNames.CONTENT_TYPE, asset.type());
        res.header(HeaderNames.CACHE_CONTROL, "no-cache"); // revalidate: a restarted server may carry new files
        res.header(HeaderNames.ETAG, asset.etag());
        res.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        res.header(HeaderNames.create("Referrer-Policy"), "no-referrer");
        if (asset.type().startsWith("text/html")) res.header(HeaderNames.create("Content-Security-Policy"), POLICY);
        if (req.headers().first(HeaderNames.IF_NONE_MATCH).filter(asset.etag()::equals).isPresent()) {
            res.status(304);
            res.send();
            return;
        }
        res.send(asset.bytes());
    }

    private Optional<Asset> asset(String path) {
        var m = SAFE_PATH.matcher(path);
        if (!m.matches() || !TYPES.containsKey(m.group(1))) return Optional.empty();
        Asset known = cache.get(path);
        if (known != null) return Optional.of(known);
        Optional<Asset> found = read(path, TYPES.get(m.group(1)));
        found.ifPresent(a -> cache.put(path, a));
        return found;
    }

    private Optional<Asset> read(String path, String type) {
        try (InputStream in = loader.getResourceAsStream(ROOT + path)) {
            if (in == null) return Optional.empty();
            byte[] bytes = in.readAllBytes();
            String etag = '"' + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 16) + '"';
            return Optional.of(new Asset(bytes, type, etag));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
