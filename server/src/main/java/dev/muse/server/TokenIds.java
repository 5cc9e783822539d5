package dev.muse.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muse.server.openai.ApiException;

/** Token ids sent as a JSON array; whether they belong to the model's vocabulary is the runtime's to check. */
final class TokenIds {
    private TokenIds() {}

    static int[] read(JsonNode array, String param) {
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode t = array.get(i);
            if (!t.isIntegralNumber() || !t.canConvertToInt()) throw ApiException.invalid(param, param + " token " + i + " (" + t + ") is not a token id");
            ids[i] = t.asInt();
        }
        return ids;
    }
}
