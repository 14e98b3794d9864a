import type { ConfusionMetrics } from '@defectlab/metrics';
import { formatPercent } from '../../ui/format';

/** Miss, overkill, accuracy and counts at the current threshold, and the confusion matrix. */
export function FiguresPanel({ m }: { m: ConfusionMetrics }) {
  const figure = (id: string, label: string, value: number | null, note: string) => (
    <div className="figure">
      <dt>{label}</dt>
      <dd data-testid={id} data-value={value === null ? 'null' : String(value)}>
        {formatPercent(value)}
      </dd>
      <dd className="muted small">{note}</dd>
    </div>
  );
  return (
    <section aria-label="Figures at this threshold" className="figures-panel" aria-live="polite">
      <dl className="figures">
        {figure('sim-miss', 'Miss rate', m.missRate, `${m.fn} of ${m.nDefective} defective passed`)}
        {figure('sim-overkill', 'Overkill rate', m.overkillRate, `${m.fp} of ${m.nGood} good rejected`)}
        {figure('sim-accuracy', 'Accuracy', m.accuracy, `${m.tp + m.tn} of ${m.n} right`)}
      </dl>
      <table className="confusion" data-testid="confusion-matrix">
        <caption>Confusion matrix ({m.n} test images)</caption>
        <thead>
          <tr>
            <td />
            <th scope="col">called defective</th>
            <th scope="col">called good</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">labelled defective</th>
            <td className="cell-ok" data-testid="cm-tp">
              TP {m.tp}
            </td>
            <td className="cell-bad" data-testid="cm-fn">
              FN (miss) {m.fn}
            </td>
          </tr>
          <tr>
            <th scope="row">labelled good</th>
            <td className="cell-bad" data-testid="cm-fp">
              FP (overkill) {m.fp}
            </td>
            <td className="cell-ok" data-testid="cm-tn">
              TN {m.tn}
            </td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}
