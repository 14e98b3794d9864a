import type { Verdict } from '../lib/compliance';

const TEXT: Record<Verdict, [string, string]> = {
  green: ['✓', 'meets'],
  amber: ['~', 'uncertain'],
  red: ['✗', 'fails'],
  none: ['–', 'not measured'],
};

/** A verdict in words and a symbol as well as colour. */
export function VerdictBadge({ verdict, testId, label }: { verdict: Verdict; testId?: string; label?: string }) {
  const [icon, text] = TEXT[verdict];
  return (
    <span className={`verdict verdict-${verdict}`} data-testid={testId} data-verdict={verdict}>
      <span aria-hidden="true">{icon}</span> {label ?? text}
    </span>
  );
}
