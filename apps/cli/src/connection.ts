/** The CLI's one way out: an HTTP POST to the node, given by the entry point (host/). */

export class ConnectionFailed extends Error {
  override readonly name = 'ConnectionFailed';
}

export interface HttpResponse {
  status: number;
  body: string;
}

export interface HttpPostRequest {
  host: string;
  port: number;
  path: string;
  credentials: string;
  body: string;
  timeoutMs: number;
}

/** Resolves with the HTTP status and body; rejects with ConnectionFailed when no answer. */
export type HttpPost = (request: HttpPostRequest) => Promise<HttpResponse>;
