package dev.muse.hub;

import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How a spec splits into repository and path, and which specs and aliases are refused before any network. */
class ModelSourceTest {
    @Test
    void theFirstTwoSegmentsAreTheRepositoryTheRestThePath() {
        ModelSource s = ModelSource.parse("hf:ggml-org/models/tinyllamas/stories260K.gguf");
        assertEquals("ggml-org/models", s.repo());
        assertEquals("tinyllamas/stories260K.gguf", s.path());
        assertEquals("main", s.revision());
        assertEquals("stories260K.gguf", s.fileName());
        assertEquals("hf:ggml-org/models/tinyllamas/stories260K.gguf", s.spec());
        assertEquals(URI.create("https://huggingface.co/ggml-org/models/resolve/main/tinyllamas/stories260K.gguf"),
                s.url(HubSettings.HUGGING_FACE));
    }

    @Test
    void segmentsArePercentEncodedInTheUrl() {
        ModelSource s = new ModelSource("org/repo", "a folder/model #1.gguf").atRevision("refs/pr/7");
        assertEquals("http://hub/org/repo/resolve/refs/pr/7/a%20folder/model%20%231.gguf", s.url(URI.create("http://hub")).toString());
        assertEquals("hf:org/repo/a folder/model #1.gguf@refs/pr/7", s.spec());
    }

    @Test
    void aliasesResolveIgnoringCaseToPinnedSources() {
        ModelSource stories = ModelSource.parse("stories260K");
        assertEquals(ModelSource.parse("stories260k"), stories);
        assertEquals("ggml-org/models-moved", stories.repo());
        assertEquals("tinyllamas/stories260K.gguf", stories.path());
        assertEquals("270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d", stories.sha256());
        assertEquals(1_185_376, stories.size());
        assertEquals("smollm2-135m-instruct-q8_0.gguf", ModelSource.parse("smollm2-135m-instruct").fileName());
        assertEquals("Llama-3.2-1B-Instruct-Q8_0.gguf", ModelSource.parse("llama3.2-1b-instruct").fileName());
        for (ModelAliases.Alias a : ModelAliases.all()) {
            java.nio.file.Path file = java.nio.file.Path.of(a.source().fileName());
            if (a.name().startsWith("whisper-")) {
                assertTrue(ModelFiles.isSpeech(file), a.name());
                assertEquals(a.name(), ModelFiles.idOf(file), "a pulled speech model is offered under its alias");
            } else if (a.isFolder() && a.folder().isEmpty()) { // a model made of an npm package's files (nsfwjs' TensorFlow.js bundles)
                assertEquals(a.name(), a.cacheName());
                assertTrue(a.beside().stream().allMatch(f -> f.origin() == ModelSource.Origin.NPM && f.sha256() != null), a.name());
                assertEquals("model.min.js", a.source().fileName(), a.name());
            } else if (a.isFolder()) {
                assertEquals(a.name(), a.cacheName(), "a folder model lands in a folder named after its alias");
                assertTrue(a.folder().contains("config.json") || a.folder().containsAll(List.of("model_index.json", "unet/config.json",
                        "vae/config.json", "text_encoder/config.json", "tokenizer/vocab.json", "scheduler/scheduler_config.json")), a.name());
            } else {
                assertTrue(file.toString().endsWith(".gguf"), a.name());
            }
        }
    }

    @Test
    void unknownNamesListTheAliases() {
        var e = assertThrows(IllegalArgumentException.class, () -> ModelSource.parse("gpt-5"));
        assertTrue(e.getMessage().contains("hf:ORG/REPO/FILE.gguf") && e.getMessage().contains("stories260k"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ModelSource.parse("hf:org/repo"));
        assertTrue(e.getMessage().contains("name a file"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"hf:org/repo/../evil.gguf", "hf:org/repo/a/../../evil.gguf", "hf:org/repo/./x.gguf", "hf:/etc/passwd",
            "hf:org/repo//etc/passwd", "hf:org/repo/dir\\..\\evil.gguf", "hf:org/repo/x\u0000.gguf", "hf:org/repo/x\n.gguf",
            "hf:../repo/x.gguf", "hf:org/../x.gguf", "hf:org/repo/models/", "hf:org/re po/x.gguf"})
    void unsafeSpecsAreRefused(String spec) {
        var e = assertThrows(IllegalArgumentException.class, () -> ModelSource.parse(spec));
        assertTrue(e.getMessage().startsWith("refusing") || e.getMessage().contains("name a file"), e.getMessage());
        assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\u0000"), "one printable line: " + e.getMessage());
    }

    @Test
    void unsafeAliasEntriesAndRevisionsAreRefusedToo() {
        assertThrows(IllegalArgumentException.class, () -> new ModelAliases.Alias("evil", new ModelSource("org/repo", "../../x.gguf"), ""));
        assertThrows(IllegalArgumentException.class, () -> new ModelAliases.Alias("evil", new ModelSource("org/repo", "/abs/x.gguf"), ""));
        assertThrows(IllegalArgumentException.class, () -> new ModelAliases.Alias("../evil", new ModelSource("org/repo", "x.gguf"), ""));
        assertThrows(IllegalArgumentException.class, () -> new ModelSource("org/repo", "x.gguf").atRevision("../main"));
        assertThrows(IllegalArgumentException.class, () -> new ModelSource("org/repo", "x.gguf").pinned("not-a-sha"));
    }
}
