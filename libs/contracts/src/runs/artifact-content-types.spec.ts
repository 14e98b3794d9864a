import fc from 'fast-check';
import {
  ARTIFACT_CONTENT_TYPES,
  ARTIFACT_CONTENT_TYPES_BY_KIND,
  defaultArtifactContentType,
  isArtifactContentTypeAllowed,
  servedArtifactContentType,
  ZArtifactContentType,
} from './artifact-content-types';
import { ARTIFACT_KINDS } from './runs.schema';

/** Types a browser would run or parse as a document: never on any list, never served. */
const ACTIVE = /html|svg|xml|javascript|ecmascript|xhtml/i;

const anyType = fc.oneof(
  fc.constantFrom(...ARTIFACT_CONTENT_TYPES, 'text/html', 'image/svg+xml', 'application/xhtml+xml', 'text/xml', 'TEXT/HTML', 'image/png ', 'text/javascript', ''),
  fc.string({ maxLength: 40 }),
);

describe('artifact content types', () => {
  it('lists no type a browser would run or render as a document', () => {
    expect(ARTIFACT_CONTENT_TYPES.filter((t) => ACTIVE.test(t))).toEqual([]);
    expect(ZArtifactContentType.safeParse('text/html').success).toBe(false);
    expect(ZArtifactContentType.safeParse('image/svg+xml').success).toBe(false);
  });

  it('gives each kind its own list: png for maps, json for reports, text for logs, bytes for weights and onnx', () => {
    expect(ARTIFACT_CONTENT_TYPES_BY_KIND.anomaly_map).toEqual(['image/png']);
    expect(isArtifactContentTypeAllowed('anomaly_map', 'application/json')).toBe(false);
    expect(isArtifactContentTypeAllowed('report', 'application/json')).toBe(true);
    expect(isArtifactContentTypeAllowed('log', 'text/plain; charset=utf-8')).toBe(true);
    expect(isArtifactContentTypeAllowed('onnx', 'application/octet-stream')).toBe(true);
    expect(isArtifactContentTypeAllowed('weights', 'image/png')).toBe(false);
    for (const kind of ARTIFACT_KINDS) expect(isArtifactContentTypeAllowed(kind, defaultArtifactContentType(kind))).toBe(true);
  });

  it('serves any stored type of any kind as a type on that kind\'s list or as octet-stream, never an active one', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ARTIFACT_KINDS), anyType, (kind, stored) => {
        const served = servedArtifactContentType(kind, stored);
        expect(ACTIVE.test(served)).toBe(false);
        expect(isArtifactContentTypeAllowed(kind, served) || served === 'application/octet-stream').toBe(true);
        // a type on the list is served as stored
        if (isArtifactContentTypeAllowed(kind, stored)) expect(served).toBe(stored);
      }),
    );
  });
});
