package dev.muse.formats.tfjs;

import static org.junit.jupiter.api.Assertions.*;

import dev.muse.formats.FormatException;
import dev.muse.formats.JsonValues;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TensorFlow.js model files, plain and bundled as nsfwjs ships them, quantised weights, and the bounds every size is checked against. */
class TfjsModelTest {
    @TempDir Path dir;

    /** Three weights: float32, uint8-quantised (min -1, scale 0.5) and float16, 4 + 3 + 2 values. */
    static final String MANIFEST = "[{\"paths\":[\"group1-shard1of1\"],\"weights\":["
            + "{\"name\":\"a/kernel\",\"shape\":[2,2],\"dtype\":\"float32\"},"
            + "{\"name\":\"b\",\"shape\":[3],\"dtype\":\"float32\",\"quantization\":{\"dtype\":\"uint8\",\"min\":-1,\"scale\":0.5}},"
            + "{\"name\":\"c\",\"shape\":[2],\"dtype\":\"float32\",\"quantization\":{\"dtype\":\"float16\"}}]}]";

    static byte[] shard() {
        ByteBuffer b = ByteBuffer.allocate(16 + 3 + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putFloat(1).putFloat(-2).putFloat(3.5f).putFloat(0.25f);
        b.put((byte) 0).put((byte) 2).put((byte) 255);
        b.putShort(Float.floatToFloat16(1.5f)).putShort(Float.floatToFloat16(-0.125f));
        return b.array();
    }

    static void check(TfjsModel m) {
        assertEquals(List.of("a/kernel", "b", "c"), List.copyOf(m.weights().keySet()));
        assertArrayEquals(new int[] {2, 2}, m.weights().get("a/kernel").shape());
        assertArrayEquals(new float[] {1, -2, 3.5f, 0.25f}, m.weights().get("a/kernel").values());
        assertArrayEquals(new float[] {-1, 0, 126.5f}, m.weights().get("b").values());
        assertArrayEquals(new float[] {1.5f, -0.125f}, m.weights().get("c").values());
    }

    @Test
    void readsModelJsonAndItsBinaryShard() throws Exception {
        Files.writeString(dir.resolve("model.json"), "{\"format\":\"graph-model\",\"modelTopology\":{\"node\":[]},\"weightsManifest\":" + MANIFEST + "}");
        Files.write(dir.resolve("group1-shard1of1"), shard());
        TfjsModel m = TfjsModel.read(dir);
        check(m);
        assertTrue(m.isGraph());
    }

    @Test
    void readsTheJavaScriptBundlesNsfwjsShips() throws Exception {
        // the shapes of nsfwjs' browserify bundles: an exported object literal with unquoted keys, !0/!1 and .5-style numbers
        String manifest = MANIFEST.replaceAll("\"(\\w+)\":", "$1:").replace("-1,scale:0.5", "-1,scale:.5");
        Files.writeString(dir.resolve("model.min.js"), "!function(e){module.exports=e()}(function(){return function e(a,n,i){}({1:[function(e,a,n){a.exports="
                + "{modelTopology:{keras_version:\"2.2.4\",model_config:{class_name:\"Model\",config:{layers:[{trainable:!1,x:!0,y:null}]}}},weightsManifest:"
                + manifest + "}},{}]},{},[1])(1)});");
        Files.writeString(dir.resolve("group1-shard1of1.min.js"), "!function(e){}(function(){return function e(){}({1:[function(e,a,n){a.exports=\""
                + Base64.getEncoder().encodeToString(shard()) + "\"},{}]},{},[1])(1)});");
        TfjsModel m = TfjsModel.read(dir);
        check(m);
        assertFalse(m.isGraph());
        Map<?, ?> layer = (Map<?, ?>) ((List<?>) ((Map<?, ?>) ((Map<?, ?>) m.topology().get("model_config")).get("config")).get("layers")).getFirst();
        assertEquals(Boolean.FALSE, layer.get("trainable"));
        assertEquals(Boolean.TRUE, layer.get("x"));
    }

    @Test
    void javaScriptLiteralsAreOnlyTakenWhereAsked() {
        assertEquals(Map.of("a", 0.5, "b", true), JsonValues.parseJavaScript("{a:.5,b:!0}", "test"));
        assertEquals(-0.25, JsonValues.parseJavaScript("-.25", "test"));
        assertThrows(FormatException.class, () -> JsonValues.parse("{a:1}", "test"));
        assertThrows(FormatException.class, () -> JsonValues.parse("!0", "test"));
        assertThrows(FormatException.class, () -> JsonValues.parseJavaScript("{a:f()}", "test"));
        assertThrows(FormatException.class, () -> JsonValues.parseJavaScript("!2", "test"));
        assertThrows(FormatException.class, () -> JsonValues.parseJavaScript(".", "test"));
    }

    @Test
    void everySizeIsCheckedAgainstTheShards() throws Exception {
        Files.writeString(dir.resolve("model.json"), "{\"modelTopology\":{},\"weightsManifest\":" + MANIFEST + "}");
        byte[] full = shard();
        Files.write(dir.resolve("group1-shard1of1"), java.util.Arrays.copyOf(full, full.length - 1));
        assertTrue(assertThrows(FormatException.class, () -> TfjsModel.read(dir)).getMessage().contains("needs 4 bytes"));
        Files.write(dir.resolve("group1-shard1of1"), java.util.Arrays.copyOf(full, full.length + 4));
        assertTrue(assertThrows(FormatException.class, () -> TfjsModel.read(dir)).getMessage().contains("belong to no weight"));
        Files.writeString(dir.resolve("model.json"), "{\"modelTopology\":{},\"weightsManifest\":[{\"paths\":[\"group1-shard1of1\"],\"weights\":"
                + "[{\"name\":\"huge\",\"shape\":[65536,65536,4],\"dtype\":\"float32\"}]}]}");
        assertTrue(assertThrows(FormatException.class, () -> TfjsModel.read(dir)).getMessage().contains("too large"));
    }

    @Test
    void shardsAreReadOnlyBesideTheModel() throws Exception {
        for (String name : List.of("../secret", "/etc/passwd", ".hidden", "a/b")) {
            Files.writeString(dir.resolve("model.json"), "{\"modelTopology\":{},\"weightsManifest\":[{\"paths\":[\"" + name + "\"],\"weights\":[]}]}");
            assertTrue(assertThrows(FormatException.class, () -> TfjsModel.read(dir)).getMessage().contains("plain file names"), name);
        }
    }

    @Test
    void otherFilesAreRefusedPlainly() throws Exception {
        assertTrue(assertThrows(FormatException.class, () -> TfjsModel.read(dir)).getMessage().contains("no TensorFlow.js model"));
        Files.writeString(dir.resolve("model.json"), "{\"weightsManifest\":[]}");
        assertTrue(assertThrows(FormatException.class, () -> TfjsModel.read(dir)).getMessage().contains("lacks modelTopology"));
        Files.delete(dir.resolve("model.json"));
        Files.writeString(dir.resolve("model.min.js"), "console.log('hello')");
        assertTrue(assertThrows(FormatException.class, () -> TfjsModel.read(dir)).getMessage().contains("exports no object literal"));
    }
}
