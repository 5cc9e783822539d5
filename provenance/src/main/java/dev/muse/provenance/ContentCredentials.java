package dev.muse.provenance;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Signs what Muse makes with C2PA content credentials (claim v2): an actions assertion saying an AI model made it
 * ({@code c2pa.created}, or {@code c2pa.opened} + {@code c2pa.edited} with the input as the parent ingredient), digital
 * source type {@value #TRAINED_ALGORITHMIC_MEDIA}, a hard binding (SHA-256 of every byte of the file but the manifest's),
 * and a COSE ES256 signature with the signer's chain. PNG, JPEG, WebP, WAV and MP3 files are signed; anything a file held
 * before (an older manifest) is replaced.
 */
public final class ContentCredentials {
    public static final String TRAINED_ALGORITHMIC_MEDIA = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia";
    static final String ACTIONS = "c2pa.actions.v2", HASH_DATA = "c2pa.hash.data", INGREDIENT = "c2pa.ingredient.v3", SOFT_BINDING = "c2pa.soft-binding";
    private static final int SHA256_BYTES = 32, ES256_BYTES = 64;

    private final Credentials signer;
    private final String generator, version;

    /** Signs as {@code signer}, naming the software {@code generator} {@code version} in every claim. */
    public ContentCredentials(Credentials signer, String generator, String version) {
        this.signer = signer;
        this.generator = generator;
        this.version = version;
    }

    public Credentials signer() { return signer; }

    /**
     * What made a file: the model's name, for an edit the file it started from (null for a creation), and the invisible
     * watermark put in it (null for none), which the manifest records as a soft binding.
     */
    public record Made(String model, byte[] input, Watermark watermark) {
        public static Made created(String model) { return new Made(model, null, null); }
        public static Made edited(String model, byte[] input) { return new Made(model, input, null); }

        public Made watermarked(Watermark mark) { return new Made(model, input, mark); }
    }

    /** A watermark's algorithm (as C2PA's soft-binding assertion names it) and its 48-bit payload. */
    public record Watermark(String algorithm, long payload) {
        /** The payload as 12 hex digits, as verifiers report it. */
        public String hex() { return String.format("%012x", payload); }
    }

    /** Whether Muse can put credentials in {@code media} (PNG, JPEG, WebP, WAV, MP3). */
    public static boolean signable(byte[] media) {
        return Container.of(media) != null;
    }

    /** {@code media} with a signed manifest in it; an IllegalArgumentException for a format Muse does not sign. */
    public byte[] sign(byte[] media, Made made) {
        Container container = Container.of(media);
        if (container == null) throw new IllegalArgumentException("content credentials go in PNG, JPEG, WebP, WAV or MP3 files only");
        byte[] stripped = container.strip(media);
        String label = "urn:c2pa:" + UUID.randomUUID(), instance = "xmp:iid:" + UUID.randomUUID();
        List<Map.Entry<String, byte[]>> assertions = assertions(made, container.mediaType());
        // The data hash leaves the manifest's own bytes out, so their place and length must be known before the hash is:
        // lay a manifest of the final size out (zero hash and signature, which are fixed-size), until its span settles.
        Container.Span span = new Container.Span(0, 0, null);
        byte[] placed = null;
        for (int round = 0; round < 8; round++) {
            byte[] trial = store(label, instance, assertions, hashData(span, new byte[SHA256_BYTES]), false);
            placed = container.embed(stripped, trial);
            Container.Span found = container.find(placed);
            if (found.start() == span.start() && found.length() == span.length()) break;
            span = found;
        }
        byte[] hash = dataHash(placed, span);
        return container.embed(stripped, store(label, instance, assertions, hashData(span, hash), true));
    }

    /** The manifest store: one manifest of the assertions, the data hash last, its claim and the claim's signature (zeros when unsigned). */
    private byte[] store(String label, String instance, List<Map.Entry<String, byte[]>> assertions, byte[] hashData, boolean signed) {
        List<byte[]> boxes = new ArrayList<>();
        List<Object> created = new ArrayList<>();
        List<Map.Entry<String, byte[]>> all = new ArrayList<>(assertions);
        all.add(Map.entry(HASH_DATA, hashData));
        for (var a : all) {
            byte[] box = Jumbf.cborAssertion(a.getKey(), a.getValue());
            boxes.add(box);
            created.add(hashedUri("self#jumbf=c2pa.assertions/" + a.getKey(), java.util.Arrays.copyOfRange(box, 8, box.length)));
        }
        byte[] claim = Cbor.encode(ordered("instanceID", instance, "claim_generator_info", ordered("name", generator, "version", version),
                "signature", "self#jumbf=/c2pa/" + label + "/c2pa.signature", "created_assertions", created, "alg", "sha256"));
        byte[] cose = Cose.sign1(claim, signer.chain(), signed ? signer::sign : unsigned -> new byte[ES256_BYTES]);
        byte[] manifest = Jumbf.superbox(Jumbf.MANIFEST, label, List.of(
                Jumbf.superbox(Jumbf.ASSERTIONS, "c2pa.assertions", boxes),
                Jumbf.superbox(Jumbf.CLAIM, "c2pa.claim.v2", List.of(Jumbf.box("cbor", claim))),
                Jumbf.superbox(Jumbf.SIGNATURE, "c2pa.signature", List.of(Jumbf.box("cbor", cose)))));
        return Jumbf.superbox(Jumbf.STORE, "c2pa", List.of(manifest));
    }

    /** The assertions before the data hash: the parent ingredient of an edit, then the actions. */
    private List<Map.Entry<String, byte[]>> assertions(Made made, String mediaType) {
        List<Map.Entry<String, byte[]>> out = new ArrayList<>();
        List<Object> actions = new ArrayList<>();
        Map<String, Object> agent = ordered("name", generator, "version", version);
        Map<String, Object> making = new LinkedHashMap<>();
        if (made.input() != null) {
            Container input = Container.of(made.input());
            byte[] ingredientCbor = Cbor.encode(ordered("dc:title", "the picture edited",
                    "dc:format", input != null ? input.mediaType() : "application/octet-stream",
                    "instanceID", "xmp:iid:" + UUID.nameUUIDFromBytes(sha256(made.input())), "relationship", "parentOf"));
            out.add(Map.entry(INGREDIENT, ingredientCbor));
            byte[] box = Jumbf.cborAssertion(INGREDIENT, ingredientCbor);
            actions.add(ordered("action", "c2pa.opened", "parameters",
                    ordered("ingredients", List.of(hashedUri("self#jumbf=c2pa.assertions/" + INGREDIENT, java.util.Arrays.copyOfRange(box, 8, box.length))))));
            making.put("action", "c2pa.edited");
        } else {
            making.put("action", "c2pa.created");
        }
        making.put("digitalSourceType", TRAINED_ALGORITHMIC_MEDIA);
        making.put("softwareAgent", agent);
        if (made.model() != null) making.put("parameters", ordered("model", made.model(), "format", mediaType));
        actions.add(making);
        if (made.watermark() != null) {
            out.add(Map.entry(SOFT_BINDING, Cbor.encode(ordered("alg", made.watermark().algorithm(),
                    "blocks", List.of(ordered("scope", Map.of(), "value", java.util.Base64.getEncoder().encodeToString(payloadBytes(made.watermark().payload()))))))));
            actions.add(ordered("action", "c2pa.watermarked", "softwareAgent", agent, "parameters", ordered("alg", made.watermark().algorithm())));
        }
        out.add(Map.entry(ACTIONS, Cbor.encode(ordered("actions", actions))));
        return out;
    }

    /** A 48-bit payload's six bytes, most significant first. */
    static byte[] payloadBytes(long payload) {
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) b[i] = (byte) (payload >>> (8 * (5 - i)));
        return b;
    }

    private static byte[] hashData(Container.Span span, byte[] hash) {
        return Cbor.encode(ordered("exclusions", List.of(ordered("start", span.start(), "length", span.length())),
                "name", "jumbf manifest", "alg", "sha256", "hash", hash, "pad", new byte[0]));
    }

    /** SHA-256 of {@code media} without the bytes of {@code span}. */
    static byte[] dataHash(byte[] media, Container.Span span) {
        MessageDigest d = sha256();
        d.update(media, 0, span.start());
        d.update(media, span.start() + span.length(), media.length - span.start() - span.length());
        return d.digest();
    }

    private static Map<String, Object> hashedUri(String url, byte[] covered) {
        return ordered("url", url, "hash", sha256(covered));
    }

    /** A map of key, value, key, value ... in that order: the CBOR written is the same every time. */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return map;
    }

    static byte[] sha256(byte[] data) {
        return sha256().digest(data);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
