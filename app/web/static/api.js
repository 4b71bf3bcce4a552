// The page's one call to the service: POST v1/quotes, as any API client makes it.
//
// Errors come back as RFC 9457 problems; the page shows their `detail`, the very message an
// API user gets. Answers that are not problems (a proxy's HTML error page, a dropped
// connection) still become an ApiError with a message, so the page never goes blank.

export class ApiError extends Error {
  constructor(status, title, detail, retryAfter = null) {
    super(detail);
    this.name = "ApiError";
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.retryAfter = retryAfter;
  }
}

// Relative to the page, so the page keeps working behind a proxy that serves the service
// under a path prefix.
const QUOTES_URL = "v1/quotes";

/**
 * The API's answer for `text`: `{quotes, speakers, meta}`. `include_indirect` is always
 * sent; a server without indirect quotations ignores it, as it ignores any unknown field.
 * `apiKey`, when given, goes as a bearer token (for a service run with API keys).
 * Throws ApiError, or the AbortError of `signal`.
 */
export async function postQuotes(text, includeIndirect, signal, apiKey = "") {
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  if (apiKey) headers.Authorization = `Bearer ${apiKey}`;
  let response;
  try {
    response = await fetch(QUOTES_URL, {
      method: "POST",
      headers,
      body: JSON.stringify({ text, include_indirect: includeIndirect }),
      signal,
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(
      0,
      "Could not reach the service",
      "The request did not reach the quote attribution service: the network is down or the " +
        "service is not running. Check the connection and try again.",
    );
  }
  const body = await readJson(response);
  if (!response.ok) {
    const retryAfter = response.headers.get("Retry-After");
    const title = response.statusText || `HTTP ${response.status}`;
    if (body && typeof body.detail === "string" && body.detail) {
      throw new ApiError(response.status, body.title || title, body.detail, retryAfter);
    }
    throw new ApiError(
      response.status,
      title,
      `The service answered ${response.status} ${response.statusText} without an explanation ` +
        "(a proxy or gateway in between may have answered instead).",
      retryAfter,
    );
  }
  if (!body || !Array.isArray(body.quotes) || !Array.isArray(body.speakers)) {
    throw new ApiError(
      response.status,
      "Unexpected answer",
      "The service answered, but not with the quotations this page expects. Is the page " +
        "served by the quote attribution service?",
    );
  }
  return body;
}

async function readJson(response) {
  const type = response.headers.get("Content-Type") || "";
  if (!/^application\/([a-z.+-]+\+)?json/i.test(type)) return null;
  try {
    return await response.json();
  } catch {
    return null;
  }
}
