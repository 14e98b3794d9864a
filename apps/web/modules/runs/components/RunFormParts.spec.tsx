import { MODEL_KINDS } from '@defectlab/contracts';
import { renderToStaticMarkup } from 'react-dom/server';
import { fieldErrors, ModelKindSelect } from './RunFormParts';

describe('run form parts', () => {
  it('renders a field error as an alert whose id the control names, and nothing for a valid field', () => {
    const err = fieldErrors({ seed: 'must be an integer' }, 'group-');
    expect(renderToStaticMarkup(<>{err('seed')}</>)).toBe('<span id="group-seed-error" role="alert" class="status-bad small">must be an integer</span>');
    expect(err('name')).toBeNull();
  });

  it('offers every model kind, with the current one selected', () => {
    const html = renderToStaticMarkup(<ModelKindSelect id="kind" value="cflow" onChange={() => undefined} />);
    for (const k of MODEL_KINDS) expect(html).toContain(`<option${k === 'cflow' ? ' selected=""' : ''}>${k}</option>`);
  });
});
