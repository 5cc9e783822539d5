package dev.muse.provenance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * CBOR through Jackson, written with definite lengths only: a COSE signature covers a structure the verifier encodes
 * again, and definite lengths are the form both sides agree on (RFC 9052 section 9). Values are maps (String or Integer
 * keys), lists, byte arrays, strings, integers, booleans, null, and {@link Tagged}.
 */
final class Cbor {
    private static final CBORFactory FACTORY = new CBORFactory();
    private static final CBORMapper READER = new CBORMapper();

    private Cbor() {}

    /** A value with a CBOR tag before it (COSE_Sign1 is tag 18). */
    record Tagged(int tag, Object value) {}

    static byte[] encode(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CBORGenerator g = FACTORY.createGenerator(out)) {
            write(g, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void write(CBORGenerator g, Object value) throws IOException {
        switch (value) {
            case null -> g.writeNull();
            case Tagged t -> {
                g.writeTag(t.tag());
                write(g, t.value());
            }
            case Map<?, ?> map -> {
                g.writeStartObject(map, map.size());
                for (var e : map.entrySet()) {
                    switch (e.getKey()) {
                        case String s -> g.writeFieldName(s);
                        case Integer i -> g.writeFieldId(i);
                        default -> throw new IllegalArgumentException("a CBOR map key must be a string or an integer: " + e.getKey());
                    }
                    write(g, e.getValue());
                }
                g.writeEndObject();
            }
            case List<?> list -> {
                g.writeStartArray(list, list.size());
                for (Object item : list) write(g, item);
                g.writeEndArray();
            }
            case byte[] bytes -> g.writeBinary(bytes);
            case String s -> g.writeString(s);
            case Integer i -> g.writeNumber(i);
            case Long l -> g.writeNumber(l);
            case Boolean b -> g.writeBoolean(b);
            default -> throw new IllegalArgumentException("no CBOR form for " + value.getClass().getSimpleName());
        }
    }

    /** Decodes one CBOR item (tags dropped, integer map keys as their decimal strings); bad input is an IllegalArgumentException. */
    static JsonNode decode(byte[] cbor) {
        try {
            return READER.readTree(cbor);
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed CBOR: " + e.getMessage(), e);
        }
    }
}
