/**
 * A test image with its anomaly map laid over it. The map (a grey-scale PNG artifact) is coloured
 * by an SVG filter (dark blue -> red, transparent where the score is low), so no canvas and no
 * request beyond the two images. Bytes come through the web app's own /api forwarder.
 */
export function HeatmapFilterDefs() {
  return (
    <svg width="0" height="0" aria-hidden="true" style={{ position: 'absolute' }}>
      <filter id="heat-colormap" colorInterpolationFilters="sRGB">
        <feComponentTransfer>
          <feFuncR type="table" tableValues="0 0 0.2 1 1" />
          <feFuncG type="table" tableValues="0 0.4 1 0.8 0" />
          <feFuncB type="table" tableValues="0.5 1 0.2 0 0" />
          <feFuncA type="table" tableValues="0 0.15 0.6 0.85 1" />
        </feComponentTransfer>
      </filter>
    </svg>
  );
}

export function blobUrl(sha256: string): string {
  return `/api/blobs/${sha256}`;
}
export function artifactUrl(artifactId: string): string {
  return `/api/artifacts/${artifactId}/content`;
}

export interface HeatmapImageProps {
  readonly sha256: string | null;
  readonly alt: string;
  readonly heatmapArtifactId: string | null;
  readonly showHeatmap: boolean;
  readonly opacity: number;
  readonly maskSha256?: string | null;
  readonly showMask?: boolean;
  readonly zoom?: number;
}

export function HeatmapImage({ sha256, alt, heatmapArtifactId, showHeatmap, opacity, maskSha256, showMask, zoom = 1 }: HeatmapImageProps) {
  return (
    <div className="heatmap-image" style={zoom !== 1 ? { transform: `scale(${zoom})`, transformOrigin: 'top left' } : undefined}>
      {sha256 ? <img src={blobUrl(sha256)} alt={alt} decoding="async" /> : <div className="no-image">no image</div>}
      {showHeatmap && heatmapArtifactId && (
        <img src={artifactUrl(heatmapArtifactId)} alt="" aria-hidden="true" className="overlay heat" style={{ opacity }} />
      )}
      {showMask && maskSha256 && <img src={blobUrl(maskSha256)} alt="" aria-hidden="true" className="overlay mask" />}
    </div>
  );
}

/** The heat colour ramp of `HeatmapFilterDefs` (table values of its R, G, B and alpha functions at 0, ¼, ½, ¾, 1). */
const RAMP = ['rgba(0,0,128,0)', 'rgba(0,102,255,0.15)', 'rgba(51,255,51,0.6)', 'rgba(255,204,0,0.85)', 'rgba(255,0,0,1)'];

/**
 * The colour scale of the anomaly maps: every map of a run shares one linear scale from the lowest to the
 * highest map value over that run's scored images (the trainer's write-anomaly-maps), shown over the
 * range of this evaluation's image scores.
 */
export function HeatmapLegend({ scoreRange, testId = 'heatmap-legend' }: { scoreRange?: readonly [number, number] | null; testId?: string }) {
  return (
    <span className="heat-legend" data-testid={testId}>
      <span className="muted small">map low</span>
      <span className="heat-ramp" aria-hidden="true" style={{ background: `linear-gradient(to right, ${RAMP.join(', ')}), repeating-conic-gradient(#d0d7de 0 25%, #fff 0 50%) 0 0 / 8px 8px` }} />
      <span className="muted small">map high</span>
      <span className="small">
        {' '}
        (one linear scale per run, lowest to highest pixel value
        {scoreRange ? `; image scores here ${scoreFmt(scoreRange[0])} – ${scoreFmt(scoreRange[1])}` : ''})
      </span>
    </span>
  );
}

function scoreFmt(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v);
}
