import { HealthCard } from '../modules/health/components/HealthCard';

export default function HomePage() {
  return (
    <>
      <h1>DefectLab</h1>
      <p>
        Train one-class anomaly detectors (CS-Flow, PatchCore, CFA) on normal images, compare them on miss rate, overkill rate, size and
        speed, and check them against each product line&apos;s targets.
      </p>
      <HealthCard />
    </>
  );
}
