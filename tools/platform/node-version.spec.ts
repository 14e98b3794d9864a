import fc from 'fast-check';
import { MIN_NODE_VERSION, nodeVersionProblem } from './node-version';

describe('the Node.js check of npm start', () => {
  it('accepts 20.19 and newer and explains what to do on older versions', () => {
    expect(nodeVersionProblem('v20.19.0')).toBeNull();
    expect(nodeVersionProblem('v20.20.2')).toBeNull();
    expect(nodeVersionProblem('v22.12.0')).toBeNull();
    expect(nodeVersionProblem('v20.18.3')).toMatch(/needs Node\.js 20\.19\.0 or newer; this is Node\.js v20\.18\.3/);
    expect(nodeVersionProblem('v18.20.0')).toMatch(/Install a newer Node\.js/);
    expect(nodeVersionProblem('garbage')).not.toBeNull();
    expect(nodeVersionProblem(process.version)).toBeNull(); // the Node that runs this suite
  });

  it('property: accepted exactly when the version is not below the minimum', () => {
    const [a, b, c] = MIN_NODE_VERSION.split('.').map(Number);
    fc.assert(
      fc.property(fc.nat(40), fc.nat(30), fc.nat(30), (x, y, z) => {
        const below = x < a || (x === a && (y < b || (y === b && z < c)));
        expect(nodeVersionProblem(`v${x}.${y}.${z}`) === null).toBe(!below);
      }),
    );
  });
});
