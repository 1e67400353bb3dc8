/**
 * Handlers for paths other than JSON-RPC's, as Core's RegisterHTTPHandler (prefix match): the
 * REST interface registers one for `/rest/`. A handler gets the URI after its prefix and the body,
 * and answers with a status, a content type and a body; it runs under the same work queue as
 * JSON-RPC calls and, as in Core, without authentication.
 */

export interface HttpHandlerRequest {
  /** GET, POST, HEAD... */
  readonly method: string;
  /** The URI after the handler's prefix, query string included (Core's strURI.substr). */
  readonly uriPart: string;
  readonly body: Uint8Array;
}

export interface HttpHandlerResponse {
  status: number;
  /** Empty: no Content-Type header. */
  contentType: string;
  body: Uint8Array | string;
}

export type HttpHandler = (req: HttpHandlerRequest) => Promise<HttpHandlerResponse>;
