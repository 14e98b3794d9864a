import { renderToStaticMarkup } from 'react-dom/server';
import { formFields } from '../lib/run-form';
import { ModelConfigInputs } from './NewRunForm';

describe('ModelConfigInputs', () => {
  it('renders every scalar field of the model schema with its bounds and the preset value', () => {
    const html = renderToStaticMarkup(<ModelConfigInputs fields={formFields('patchcore', 'small')} values={{ targetDim: '64' }} onChange={() => undefined} err={() => null} />);
    expect(html).toContain('id="config-coresetRatio"');
    expect(html).toMatch(/id="config-coresetRatio"[^>]*min="0.001"/);
    expect(html).toMatch(/id="config-coresetRatio"[^>]*max="1"/);
    expect(html).toContain('preset: 128; 1 to 8192'); // targetDim of the small preset
    expect(html).toMatch(/id="config-targetDim"[^>]*value="64"/);
    expect(html).toMatch(/<option value=""[^>]*>preset \(onnxruntime\)<\/option>/);
  });
});
