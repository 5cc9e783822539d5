package dev.muse.server;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without the muse-studio jar (as in this module's tests) the server still serves its API, and / says why it has no studio. */
class StudioAbsentTest {
    @TempDir Path dir;

    @Test
    void theApiWorksAndTheStudioIs404() throws Exception {
        try (TestServer s = new TestServer(dir)) {
            assertEquals(200, s.get("/v1/models").statusCode());
            for (String path : new String[]{"/", "/studio/js/main.js"})
                OpenAiApiTest.assertError(s.get(path), 404, null, "not_found");
            assertTrue(s.get("/").body().contains("Muse Studio is not part of this installation"));
        }
    }
}
