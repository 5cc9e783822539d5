package dev.muse.hub;

import java.net.URI;
import java.util.Optional;

/**
 * Which hub to ask and who we are to it. The endpoint is https://huggingface.co unless the system property
 * {@code muse.hf.endpoint} (set by in-process tests, which cannot change the environment) or the environment
 * variable {@code MUSE_HF_ENDPOINT} (a mirror) says otherwise; {@code HF_TOKEN} is sent as a bearer token,
 * to the endpoint's own host only.
 */
public record HubSettings(URI endpoint, Optional<String> token) {
    public static final URI HUGGING_FACE = URI.create("https://huggingface.co");

    public HubSettings {
        String scheme = endpoint.getScheme();
        if (!"https".equals(scheme) && !"http".equals(scheme) || endpoint.getHost() == null)
            throw new IllegalArgumentException("the hub endpoint must be an http(s) URL with a host, not " + endpoint);
        String text = endpoint.toString();
        while (text.endsWith("/")) text = text.substring(0, text.length() - 1);
        endpoint = URI.create(text);
        token = token.filter(t -> !t.isBlank()).map(String::strip);
    }

    public static HubSettings fromEnvironment() {
        String endpoint = firstSet(System.getProperty("muse.hf.endpoint"), System.getenv("MUSE_HF_ENDPOINT"));
        return new HubSettings(endpoint != null ? URI.create(endpoint) : HUGGING_FACE, Optional.ofNullable(System.getenv("HF_TOKEN")));
    }

    /** The token goes to the hub itself, never to the CDN or anywhere else a redirect points. */
    boolean sendsTokenTo(URI uri) {
        return token.isPresent() && endpoint.getScheme().equalsIgnoreCase(uri.getScheme())
                && endpoint.getHost().equalsIgnoreCase(uri.getHost()) && endpoint.getPort() == uri.getPort();
    }

    private static String firstSet(String... values) {
        for (String v : values) if (v != null && !v.isBlank()) return v.strip();
        return null;
    }
}
