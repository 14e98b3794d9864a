/** An SVG `<defs>` with a 45-degree hatch pattern (6 px tiles), filled via `fill="url(#id)"`. */
export function HatchPattern(props: { id: string; fill: string; stroke: string; strokeWidth: number }) {
  return (
    <defs>
      <pattern id={props.id} patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">
        <rect width="6" height="6" fill={props.fill} />
        <line x1="0" y1="0" x2="0" y2="6" stroke={props.stroke} strokeWidth={props.strokeWidth} />
      </pattern>
    </defs>
  );
}
