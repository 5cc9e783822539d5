package dev.muse.server.openai;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * The bytes behind an {@code image_url} content part. {@code data:} URLs (base64) are always read; http(s)
 * URLs only when the operator allows them, and never from a private, loopback or link-local address: the
 * host is resolved and checked before connecting, redirects are followed by hand (at most
 * {@value #MAX_REDIRECTS}) and every hop is checked again, so a public URL cannot bounce the server into the
 * local network (the SSRF Open WebUI suffered). Every image is capped at {@code maxBytes}.
 */
public final class ImageUrls {
    static final int MAX_REDIRECTS = 3;

    private final boolean allowRemote;
    private final long maxBytes;
    private final Predicate<InetAddress> reachable;
    private final HttpClient client;

    /** @param allowRemote whether http(s) URLs are fetched at all (off by default: the server then reads no URL) */
    public ImageUrls(boolean allowRemote, long maxBytes) {
        this(allowRemote, maxBytes, ImageUrls::isPublic);
    }

    /** With another address check: tests let a loopback server stand in for the internet. */
    ImageUrls(boolean allowRemote, long maxBytes, Predicate<InetAddress> reachable) {
        this.allowRemote = allowRemote;
        this.maxBytes = maxBytes;
        this.reachable = reachable;
        this.client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The image's bytes; an {@link ApiException} (400) naming {@code where} for anything wrong. */
    public byte[] read(String url, String where) {
        if (url == null || url.isBlank()) throw ApiException.invalid(where, "an image_url part needs an 'image_url.url'");
        if (url.regionMatches(true, 0, "data:", 0, 5)) return dataUrl(url, where);
        String scheme = url.contains(":") ? url.substring(0, url.indexOf(':')).toLowerCase(Locale.ROOT) : "";
        if (!scheme.equals("http") && !scheme.equals("https"))
            throw ApiException.invalid(where, "invalid_image_url", "an image URL must be a data: URL (or http(s), where the server allows it)");
        if (!allowRemote)
            throw ApiException.invalid(where, "invalid_image_url", "this server does not fetch image URLs; send the image inline as a data: URL "
                    + "(an operator can allow http(s) URLs with --allow-image-urls)");
        return fetch(url, where);
    }

    private byte[] dataUrl(String url, String where) {
        int comma = url.indexOf(',');
        if (comma < 0) throw ApiException.invalid(where, "invalid_image_url", "a data: URL needs a comma before its data");
        String header = url.substring(5, comma).toLowerCase(Locale.ROOT);
        if (!header.endsWith(";base64")) throw ApiException.invalid(where, "invalid_image_url", "an image data: URL must be base64 (data:image/png;base64,...)");
        if (!header.isEmpty() && !header.startsWith("image/") && !header.startsWith(";"))
            throw ApiException.invalid(where, "invalid_image_url", "a data: URL for an image must have an image/* media type, not '" + header.replace(";base64", "") + "'");
        long decodedAtMost = (url.length() - comma - 1) / 4L * 3;
        if (decodedAtMost > maxBytes) throw ApiException.invalid(where, "image_too_large", "the image is larger than the " + maxBytes + "-byte limit");
        try {
            return Base64.getDecoder().decode(url.substring(comma + 1).replaceAll("\\s", "")); // line breaks allowed, nothing else
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(where, "invalid_image_url", "the data: URL is not valid base64: " + e.getMessage());
        }
    }

    private byte[] fetch(String url, String where) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(where, "invalid_image_url", "not a valid URL: " + e.getMessage());
        }
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            check(uri, where);
            try {
                HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15)).header("Accept", "image/*").GET().build();
                HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream body = response.body()) {
                    int status = response.statusCode();
                    if (status / 100 == 3) {
                        String location = response.headers().firstValue("Location")
                                .orElseThrow(() -> ApiException.invalid(where, "invalid_image_url", "the image URL redirected without a Location"));
                        uri = uri.resolve(location);
                        continue;
                    }
                    if (status != 200) throw ApiException.invalid(where, "invalid_image_url", "fetching the image failed: HTTP " + status);
                    if (response.headers().firstValueAsLong("Content-Length").orElse(0) > maxBytes)
                        throw ApiException.invalid(where, "image_too_large", "the image is larger than the " + maxBytes + "-byte limit");
                    byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
                    if (bytes.length > maxBytes) throw ApiException.invalid(where, "image_too_large", "the image is larger than the " + maxBytes + "-byte limit");
                    return bytes;
                }
            } catch (IOException e) {
                throw ApiException.invalid(where, "invalid_image_url", "fetching the image failed: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ApiException.invalid(where, "invalid_image_url", "fetching the image was interrupted");
            }
        }
        throw ApiException.invalid(where, "invalid_image_url", "the image URL redirected more than " + MAX_REDIRECTS + " times");
    }

    /** Refuses a URL whose host resolves to any address the server must not reach. */
    private void check(URI uri, String where) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null)
            throw ApiException.invalid(where, "invalid_image_url", "an image URL must be http(s) with a host: " + uri);
        try {
            for (InetAddress address : InetAddress.getAllByName(uri.getHost()))
                if (!reachable.test(address))
                    throw ApiException.invalid(where, "invalid_image_url", "the image URL's host " + uri.getHost() + " is a private or local address");
        } catch (UnknownHostException e) {
            throw ApiException.invalid(where, "invalid_image_url", "the image URL's host does not resolve: " + uri.getHost());
        }
    }

    /** Whether an address is on the public internet: not loopback, private, link-local, multicast, CGNAT, unique-local or reserved. */
    static boolean isPublic(InetAddress a) {
        if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress() || a.isMulticastAddress()) return false;
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xff, second = b[1] & 0xff;
            return first != 0 && !(first == 100 && second >= 64 && second < 128) // "this network", carrier-grade NAT
                    && !(first == 192 && second == 0 && (b[2] & 0xff) == 0)      // IETF protocol assignments
                    && !(first == 198 && (second == 18 || second == 19))         // benchmarking
                    && first < 240;                                               // reserved and broadcast
        }
        if (a instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) return false; // unique local fc00::/7
            boolean v4Mapped = true;                  // ::ffff:a.b.c.d carries an IPv4 address: check that one
            for (int i = 0; i < 10; i++) v4Mapped &= b[i] == 0;
            if (v4Mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                try {
                    return isPublic(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)));
                } catch (UnknownHostException e) {
                    return false;
                }
            }
        }
        return true;
    }
}
