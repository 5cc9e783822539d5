package dev.muse.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;

/**
 * GET on the hub, redirects followed by hand: at most {@link #MAX_REDIRECTS}, to http(s) only, the token sent
 * to the hub's own host and never to the CDN it redirects to. On the way it picks up what the hub says about
 * the file (X-Linked-Etag, the LFS SHA-256, and X-Linked-Size); nothing the server sends is ever used as a
 * file name. Failures become a {@link PullException} with one clear line, or {@link TransferInterrupted} when
 * trying again may help.
 */
final class HubClient implements AutoCloseable {
    static final int MAX_REDIRECTS = 5;

    private final HubSettings settings;
    private final Patience patience;
    private final HttpClient http;

    HubClient(HubSettings settings, Patience patience) {
        this.settings = settings;
        this.patience = patience;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(patience.connect()).build();
    }

    /** The final answer and what was learnt about the file on the way; closing it closes the body. */
    /**
     * @param linkedSha256 the SHA-256 the hub announces for a file in LFS (X-Linked-Etag), or null
     * @param blobSha1     for a file not in LFS (no X-Linked-Etag), the git blob SHA-1 the hub gives as its ETag, or null
     */
    record Answer(int status, HttpHeaders headers, InputStream body, URI uri, String linkedSha256, long linkedSize, String blobSha1) implements AutoCloseable {
        long header(String name) { return headers.firstValueAsLong(name).orElse(-1); }

        @Override public void close() throws IOException { body.close(); }
    }

    /** GET {@code url} from byte {@code from} on (a Range request when from > 0). */
    Answer get(URI url, long from) throws IOException {
        URI uri = url;
        String sha = null;
        long size = -1;
        for (int hop = 0; ; hop++) {
            HttpResponse<InputStream> response = send(request(uri, from));
            HttpHeaders headers = response.headers();
            if (sha == null) sha = linkedSha256(headers);
            if (size < 0) size = headers.firstValueAsLong("x-linked-size").orElse(-1);
            int status = response.statusCode();
            if (status == 200 || status == 206 || status == 416)
                return new Answer(status, headers, response.body(), uri, sha, size, sha == null ? blobSha1(headers) : null);
            response.body().close();
            if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
                if (hop >= MAX_REDIRECTS) throw new PullException("more than " + MAX_REDIRECTS + " redirects from " + url + ": refusing to follow");
                uri = redirectTarget(uri, headers);
                continue;
            }
            throw failure(status, uri, headers);
        }
    }

    private HttpRequest request(URI uri, long from) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET().timeout(patience.answer()).header("User-Agent", "muse/0.1 (model pull)");
        if (from > 0) b.header("Range", "bytes=" + from + "-");
        if (settings.sendsTokenTo(uri)) b.header("Authorization", "Bearer " + settings.token().orElseThrow());
        return b.build();
    }

    private HttpResponse<InputStream> send(HttpRequest request) throws IOException {
        URI uri = request.uri();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while asking " + uri.getHost());
        } catch (HttpConnectTimeoutException e) {
            throw unreachable(uri, "no connection within " + patience.connect().toSeconds() + " s", e);
        } catch (HttpTimeoutException e) {
            throw new TransferInterrupted("no answer from " + uri.getHost() + " within " + patience.answer().toSeconds() + " s", e);
        } catch (IOException e) {
            String reason = unreachableReason(e);
            if (reason != null) throw unreachable(uri, reason, e);
            throw new TransferInterrupted("connection to " + uri.getHost() + " failed (" + e + ")", e);
        }
    }

    /** Why {@code e} means the host cannot be reached at all, or null when it is some other trouble. */
    private static String unreachableReason(Throwable e) {
        // The JDK wraps the real cause (an unresolved address inside a ConnectException), so look down the chain.
        for (Throwable t = e; t != null; t = t.getCause())
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) return "unknown host";
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof NoRouteToHostException) return "no route to host";
            if (t.getMessage() != null && t.getMessage().contains("Network is unreachable")) return "network is unreachable";
            if (t instanceof ConnectException) return t.getMessage() != null ? t.getMessage().toLowerCase(Locale.ROOT) : "connection refused";
        }
        return null;
    }

    private static PullException unreachable(URI uri, String reason, IOException cause) {
        return new PullException.Unreachable("cannot reach " + uri.getScheme() + "://" + uri.getAuthority() + " (" + reason + ")", cause);
    }

    private static URI redirectTarget(URI from, HttpHeaders headers) throws PullException {
        String location = headers.firstValue("location").orElseThrow(() -> new PullException("a redirect from " + from + " without a Location"));
        URI target;
        try {
            target = from.resolve(URI.create(location.strip()));
        } catch (IllegalArgumentException e) {
            throw new PullException("refusing a malformed redirect from " + from + " to " + ModelSource.quote(location));
        }
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") || target.getHost() == null)
            throw new PullException("refusing a redirect from " + from + " to " + ModelSource.quote(location) + ": only http(s) is followed");
        return target;
    }

    /** The hub quotes the LFS SHA-256 as an ETag ("…" or W/"…"); anything but 64 hex digits is not a SHA-256. */
    static String linkedSha256(HttpHeaders headers) {
        String bare = etag(headers, "x-linked-etag");
        return bare != null && ModelSource.isSha256(bare) ? bare : null;
    }

    /** A file outside LFS: the hub's ETag is its git blob id (40 hex digits, quoted); anything else is not one. */
    static String blobSha1(HttpHeaders headers) {
        String bare = etag(headers, "etag");
        return bare != null && bare.matches("[0-9a-f]{40}") ? bare : null;
    }

    /** An ETag-style header's value without its quotes or weak marker, lower-cased; null when absent. */
    private static String etag(HttpHeaders headers, String name) {
        String value = headers.firstValue(name).orElse(null);
        if (value == null) return null;
        String bare = value.strip();
        if (bare.startsWith("W/")) bare = bare.substring(2);
        return bare.replace("\"", "").toLowerCase(Locale.ROOT);
    }

    private IOException failure(int status, URI uri, HttpHeaders headers) {
        // The hub explains refusals (gated repository, missing file) in X-Error-Message; keep it, on one line.
        String hubSays = headers.firstValue("x-error-message").map(m -> ": the hub says " + ModelSource.quote(m.length() > 300 ? m.substring(0, 300) + "..." : m)).orElse("");
        String where = uri.getScheme() + "://" + uri.getAuthority() + uri.getRawPath();
        return switch (status) {
            case 401, 403 -> new PullException("access refused to " + where + " (HTTP " + status + ")" + hubSays + (settings.token().isPresent()
                    ? "; the token in HF_TOKEN does not grant access to it" : "; if the repository is gated or private, accept its terms on the hub and set HF_TOKEN"));
            case 404 -> new PullException("not found: " + where + " (HTTP 404)" + hubSays + "; check the repository, the file's path and the revision");
            case 429 -> new PullException("the hub is rate-limiting this machine (HTTP 429)" + hubSays + "; wait a minute and run the same command again, or set HF_TOKEN");
            default -> status >= 500 ? new TransferInterrupted("the server answered HTTP " + status + " for " + where)
                    : new PullException("unexpected HTTP " + status + " for " + where + hubSays);
        };
    }

    @Override public void close() { http.close(); }
}
