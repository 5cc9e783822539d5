package dev.muse.server.openai;

/**
 * A request the server refuses, carried to the one place that writes OpenAI's error body:
 * {@code {"error": {"message", "type", "param", "code"}}} with the matching HTTP status.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;
    private final String code;

    public ApiException(int status, String type, String param, String code, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    public int status() { return status; }

    public String type() { return type; }

    public String param() { return param; }

    public String code() { return code; }

    public static ApiException invalid(String param, String message) {
        return new ApiException(400, "invalid_request_error", param, null, message);
    }

    public static ApiException invalid(String param, String code, String message) {
        return new ApiException(400, "invalid_request_error", param, code, message);
    }

    public static ApiException modelNotFound(String model) {
        return new ApiException(404, "invalid_request_error", "model", "model_not_found", "The model '" + model + "' does not exist");
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "invalid_request_error", null, "not_found", message);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, "invalid_request_error", null, "invalid_api_key", message);
    }

    public static ApiException rateLimited(String message) {
        return new ApiException(429, "rate_limit_error", null, "rate_limit_exceeded", message);
    }

    public static ApiException tooLarge(long limit) {
        return new ApiException(413, "invalid_request_error", null, "request_too_large", "The request body exceeds the limit of " + limit + " bytes");
    }

    public static ApiException unavailable(String message) {
        return new ApiException(503, "server_error", null, "unavailable", message);
    }
}
