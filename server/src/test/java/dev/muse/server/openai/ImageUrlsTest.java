package dev.muse.server.openai;

import static org.junit.jupiter.api.Assertions.*;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** image_url parts: data: URLs, the off-by-default remote fetch, and the SSRF guards when it is on. */
class ImageUrlsTest {
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10};

    @Test
    void dataUrlsAreDecodedAndCapped() {
        ImageUrls urls = new ImageUrls(false, 64);
        String data = Base64.getEncoder().encodeToString(PNG_MAGIC);
        assertArrayEquals(PNG_MAGIC, urls.read("data:image/png;base64," + data, "m"));
        assertArrayEquals(PNG_MAGIC, urls.read("DATA:image/png;base64," + data, "m"));
        assertEquals("image_too_large", code(() -> urls.read("data:image/png;base64," + "A".repeat(200), "m")));
        assertEquals("invalid_image_url", code(() -> urls.read("data:image/png;base64,%%%", "m")));
        assertEquals("invalid_image_url", code(() -> urls.read("data:text/html;base64," + data, "m")));
        assertEquals("invalid_image_url", code(() -> urls.read("data:image/png,rawbytes", "m")));
        assertEquals("invalid_image_url", code(() -> urls.read("file:///etc/passwd", "m")));
    }

    @Test
    void remoteUrlsAreRefusedUnlessAllowed() {
        ApiException e = assertThrows(ApiException.class, () -> new ImageUrls(false, 1 << 20).read("https://example.com/cat.png", "messages[0].content"));
        assertTrue(e.getMessage().contains("--allow-image-urls"), e.getMessage());
    }

    @Test
    void privateAndLocalAddressesAreNeverFetched() throws Exception {
        ImageUrls urls = new ImageUrls(true, 1 << 20);
        for (String url : new String[] {"http://127.0.0.1/x.png", "http://localhost/x.png", "http://10.1.2.3/x.png", "http://192.168.0.1/x.png",
                "http://169.254.169.254/latest/meta-data", "http://[::1]/x.png", "http://100.64.0.1/x.png", "http://0.0.0.0/x.png"})
            assertEquals("invalid_image_url", code(() -> urls.read(url, "m")), url);
        assertFalse(ImageUrls.isPublic(InetAddress.getByName("fd00::1")));
        assertFalse(ImageUrls.isPublic(InetAddress.getByName("172.16.5.4")));
        assertTrue(ImageUrls.isPublic(InetAddress.getByName("93.184.216.34")));
        assertTrue(ImageUrls.isPublic(InetAddress.getByName("2606:4700::1111")));
    }

    @Test
    void aRedirectToAForbiddenAddressIsRefusedAndSizesAreCapped() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/cat.png", ex -> {
            ex.sendResponseHeaders(200, PNG_MAGIC.length);
            ex.getResponseBody().write(PNG_MAGIC);
            ex.close();
        });
        server.createContext("/big.png", ex -> {
            ex.sendResponseHeaders(200, 0); // chunked, no Content-Length: the reader must stop at the cap by itself
            ex.getResponseBody().write(new byte[5000]);
            ex.close();
        });
        server.createContext("/bounce", ex -> {
            ex.getResponseHeaders().add("Location", "http://127.0.0.2:" + server.getAddress().getPort() + "/cat.png");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        server.createContext("/loop", ex -> {
            ex.getResponseHeaders().add("Location", "/loop");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            // This test's "internet" is 127.0.0.1 alone; 127.0.0.2 stands for a private address behind a redirect.
            ImageUrls urls = new ImageUrls(true, 1000, a -> a.getHostAddress().equals("127.0.0.1"));
            assertArrayEquals(PNG_MAGIC, urls.read(base + "/cat.png", "m"));
            assertEquals("invalid_image_url", code(() -> urls.read(base + "/bounce", "m")));
            assertEquals("invalid_image_url", code(() -> urls.read(base + "/loop", "m")));
            assertEquals("image_too_large", code(() -> urls.read(base + "/big.png", "m")));
            assertEquals("invalid_image_url", code(() -> urls.read(base + "/missing.png", "m")));
        } finally {
            server.stop(0);
        }
    }

    private static String code(org.junit.jupiter.api.function.Executable call) {
        return assertThrows(ApiException.class, call).code();
    }
}
