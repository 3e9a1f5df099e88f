// Calls to madinati's own APIs from the page. The session is the server's cookie (HttpOnly,
// SameSite=Strict): the page never holds a token. The server checks every role itself; the page
// only hides what a user may not do. A refused call becomes an `ApiFailure` carrying the server's
// own description (what to fix), shown to the user in the page's language where we have one.

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly description: string,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}: ${description}`);
  }
}

interface Call {
  method?: string;
  json?: unknown;
  form?: FormData;
  signal?: AbortSignal;
}

/** Sends a request to the server that served the page; the JSON answer, or null for 204. */
export async function api<T = unknown>(path: string, call: Call = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  let body: BodyInit | undefined;
  if (call.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(call.json);
  } else if (call.form) {
    body = call.form;
  }
  const res = await fetch(path, {
    method: call.method ?? (body ? 'POST' : 'GET'),
    headers,
    body,
    credentials: 'same-origin',
    signal: call.signal,
  });
  const text = await res.text();
  let parsed: unknown = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  // A 422 from the checks carries the checks: callers read them from the failure's body.
  if (!res.ok) {
    const p = parsed as { description?: string; detail?: string; message?: string } | null;
    throw new ApiFailure(res.status, p?.description ?? p?.detail ?? p?.message ?? res.statusText, parsed);
  }
  return parsed as T;
}
