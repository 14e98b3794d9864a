import { z } from 'zod';
import type { TArtifactKind } from './runs.schema';

/**
 * The content types an artifact of each kind may have (issue 16, item 1). Nothing a browser would run or
 * parse as a document (html, svg, xml, javascript) is on any list: the API refuses an upload that declares
 * another type (415 ARTIFACT_TYPE_NOT_ALLOWED) and serves a stored artifact whose type is off its kind's
 * list as application/octet-stream. The first type of each list is the default of an upload that names none.
 */
export const ARTIFACT_CONTENT_TYPES_BY_KIND = {
  weights: ['application/x-tar', 'application/octet-stream'],
  checkpoint: ['application/x-tar', 'application/octet-stream'],
  onnx: ['application/octet-stream'],
  anomaly_map: ['image/png'],
  log: ['text/plain; charset=utf-8', 'text/plain'],
  report: ['application/json'],
} as const satisfies Record<TArtifactKind, readonly [string, ...string[]]>;

/** Every type on some kind's list (what an upload's `contentType` may name at all). */
export const ARTIFACT_CONTENT_TYPES = [...new Set(Object.values(ARTIFACT_CONTENT_TYPES_BY_KIND).flat())] as [string, ...string[]];
export const ZArtifactContentType = z.enum(ARTIFACT_CONTENT_TYPES);
export type TArtifactContentType = z.infer<typeof ZArtifactContentType>;

/** The types a browser may show inline (an anomaly map in an <img>); everything else downloads as an attachment. */
export const INLINE_ARTIFACT_CONTENT_TYPES: readonly string[] = ['image/png'];

/** True when `contentType` is on the list of `kind` (exact, lower-case canonical form). */
export function isArtifactContentTypeAllowed(kind: TArtifactKind, contentType: string): boolean {
  return (ARTIFACT_CONTENT_TYPES_BY_KIND[kind] as readonly string[]).includes(contentType);
}

/** The type an upload of `kind` gets when it names none. */
export function defaultArtifactContentType(kind: TArtifactKind): string {
  return ARTIFACT_CONTENT_TYPES_BY_KIND[kind][0];
}

/**
 * The type to serve a stored artifact with: its own when it is on its kind's list, else
 * application/octet-stream (rows stored before the allowlist existed may name anything).
 */
export function servedArtifactContentType(kind: TArtifactKind, storedContentType: string): string {
  return isArtifactContentTypeAllowed(kind, storedContentType) ? storedContentType : 'application/octet-stream';
}
