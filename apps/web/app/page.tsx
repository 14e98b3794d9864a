import Link from 'next/link';
import { HealthCard } from '../modules/health/components/HealthCard';
import { SignInForm } from '../modules/auth/components/SignInForm';

export default function HomePage() {
  return (
    <>
      <h1>DefectLab</h1>
      <p>
        Train one-class anomaly detectors (CS-Flow, PatchCore, CFA) on normal images, compare them on miss rate, overkill rate, size and
        speed, and check them against each product line&apos;s targets.
      </p>
      <SignInForm />
      <nav aria-label="Start" className="card">
        <ul>
          <li>
            <Link href="/runs">Runs</Link>: training runs, live progress, the threshold simulator of each evaluation.
          </li>
          <li>
            <Link href="/compare">Compare</Link>: miss vs overkill, ROC, size and speed of several models.
          </li>
          <li>
            <Link href="/curation">Curation</Link>: the ambiguity queue, relabel with a reason, commit a new version.
          </li>
          <li>
            <Link href="/compliance">Compliance</Link>: each product line&apos;s targets against its best models.
          </li>
        </ul>
      </nav>
      <HealthCard />
    </>
  );
}
