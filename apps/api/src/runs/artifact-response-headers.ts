import { INLINE_ARTIFACT_CONTENT_TYPES, servedArtifactContentType, type TArtifactKind } from '@defectlab/contracts';

/** What an artifact download needs to know about the artifact. */
export interface ServedArtifact {
  readonly id: string;
  readonly kind: TArtifactKind;
  readonly contentType: string;
  readonly bytes: number;
}

/** The policy of every artifact answer: load nothing, run nothing, and render in a sandbox (an opaque origin). */
export const ARTIFACT_CONTENT_SECURITY_POLICY = "default-src 'none'; sandbox";

const EXTENSIONS: Readonly<Record<string, string>> = {
  'application/x-tar': 'tar',
  'application/octet-stream': 'bin',
  'image/png': 'png',
  'text/plain; charset=utf-8': 'txt',
  'text/plain': 'txt',
  'application/json': 'json',
};

/**
 * The headers of an artifact download (issue 16, item 1), set before its bytes are piped: a type from the kind's
 * allowlist (else application/octet-stream), `nosniff` so the browser keeps to it, `attachment` for everything
 * but an inline image (an anomaly map in an <img>), and a CSP that blocks scripts even if a browser rendered it.
 */
export function artifactResponseHeaders(a: ServedArtifact): Record<string, string> {
  const contentType = servedArtifactContentType(a.kind, a.contentType);
  const inline = INLINE_ARTIFACT_CONTENT_TYPES.includes(contentType);
  const filename = `${a.kind}-${a.id}.${EXTENSIONS[contentType] ?? 'bin'}`;
  return {
    'content-type': contentType,
    'content-length': String(a.bytes),
    'x-content-type-options': 'nosniff',
    'content-disposition': `${inline ? 'inline' : 'attachment'}; filename="${filename}"`,
    'content-security-policy': ARTIFACT_CONTENT_SECURITY_POLICY,
    'cache-control': 'private, no-cache',
  };
}
