import { parseArgs, parseConfigSource, parseFraction } from './parse-args';
import { UserError } from '../user-error';

const FIT = ['fit', '--model', 'csflow', '--data', '/d', '--backbone', 'default', '--out', '/o'];

describe('parseArgs', () => {
  it('parses fit with every option, in both --flag value and --flag=value forms', () => {
    const cmd = parseArgs([...FIT, '--config={"preset":"small"}', '--seed', '7', '--image-size', '128', '--validation-defect-share', '25%', '--split-seed', '3', '--checkpoint-dir', '/ck']);
    expect(cmd).toEqual({
      command: 'fit',
      model: 'csflow',
      data: '/d',
      backbone: 'default',
      config: { kind: 'inline', value: { preset: 'small' } },
      seed: 7,
      imageSize: 128,
      validationGoodShare: undefined,
      validationDefectShare: 0.25,
      splitSeed: 3,
      checkpointDir: '/ck',
      out: '/o',
    });
  });

  it('parses evaluate with repeated targets', () => {
    const cmd = parseArgs(['evaluate', '--model-dir', 'm', '--data', 'd', '--json', 'r.json', '--target-miss', '1%', '--target-miss', '0.02', '--target-overkill', '0.05']);
    expect(cmd).toMatchObject({ command: 'evaluate', modelDir: 'm', data: 'd', json: 'r.json', targetMiss: [0.01, 0.02], targetOverkill: [0.05] });
  });

  it('returns help for no arguments, help and --help', () => {
    expect(parseArgs([])).toEqual({ command: 'help' });
    expect(parseArgs(['help'])).toEqual({ command: 'help' });
    expect(parseArgs(['fit', '--help'])).toEqual({ command: 'help' });
  });

  it.each([
    [['train'], /unknown command "train"/],
    [['fit', '--model', 'csflow'], /fit: missing --data/],
    [[...FIT, '--epochs', '3'], /unknown flag --epochs/],
    [[...FIT, '--seed'], /--seed needs a value/],
    [[...FIT, '--seed', '1.5'], /--seed 1.5: expected an integer/],
    [[...FIT, '--image-size', '0'], /--image-size 0: expected an integer >= 1/],
    [[...FIT, '--model', 'cfa'], /--model given twice/],
    [[...FIT, 'stray'], /unexpected argument "stray"/],
    [[...FIT, '--config', '{"preset":'], /--config: not valid JSON/],
    [['evaluate', '--model-dir', 'm', '--data', 'd'], /evaluate: missing --json/],
    [['evaluate', '--model-dir', 'm', '--data', 'd', '--json', 'j', '--target-miss', '150%'], /--target-miss 150%: expected a fraction/],
  ])('rejects %j with a message naming the problem', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UserError);
    expect(() => parseArgs(argv)).toThrow(message);
  });
});

describe('parseFraction / parseConfigSource', () => {
  it('reads fractions and percentages', () => {
    expect(parseFraction('0.005', 'x')).toBe(0.005);
    expect(parseFraction('0.5%', 'x')).toBeCloseTo(0.005, 15);
    expect(parseFraction('0', 'x')).toBe(0);
    expect(() => parseFraction('', 'x')).toThrow(UserError);
    expect(() => parseFraction('-0.1', 'x')).toThrow(UserError);
    expect(() => parseFraction('abc', 'x')).toThrow(UserError);
  });

  it('treats a value starting with { as JSON and anything else as a file', () => {
    expect(parseConfigSource(' {"a":1}')).toEqual({ kind: 'inline', value: { a: 1 } });
    expect(parseConfigSource('cfg.json')).toEqual({ kind: 'file', path: 'cfg.json' });
    expect(parseConfigSource(undefined)).toBeNull();
  });
});
