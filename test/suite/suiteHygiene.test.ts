import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import setupSuiteTempDir, { SUITE_TMPDIR_VARIABLE } from '../support/globalTempDir.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

describe('the test suite cleans up after itself and runs wherever the repo is cloned', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'memory-cdc-hygiene-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("puts a test's CDK cloud assembly (cdk.out*) under the suite's own temp folder", () => {
    const suiteFolder = process.env[SUITE_TMPDIR_VARIABLE];
    expect(suiteFolder).toBeTruthy();
    const app = new App();
    new Stack(app, 'Hygiene');
    app.synth();
    expect(app.outdir.startsWith(`${suiteFolder}/`)).toBe(true);
  });

  it('removes the temp folder, cdk.out folders included, when the run ends', () => {
    const teardown = setupSuiteTempDir();
    const folder = process.env[SUITE_TMPDIR_VARIABLE]!;
    let outdir: string;
    try {
      const app = new App();
      new Stack(app, 'Hygiene');
      outdir = app.synth().directory;
      expect(readdirSync(folder).some((name) => name.startsWith('cdk.out'))).toBe(true);
    } finally {
      teardown();
    }
    expect(existsSync(outdir)).toBe(false);
    expect(existsSync(folder)).toBe(false);
  });

  it("passes biome's check in a clone under a hidden folder, where nested biome.json files are ignored", () => {
    const clone = join(scratch, '.cache', 'x', 'repo');
    mkdirSync(join(clone, 'test', 'fixtures-data'), { recursive: true });
    for (const file of ['biome.json', '.gitignore']) cpSync(join(REPO, file), join(clone, file));
    cpSync(join(REPO, 'test/fixtures-data/not-json'), join(clone, 'test/fixtures-data/not-json'), {
      recursive: true,
    });
    execFileSync('git', ['init', '-q'], { cwd: clone });
    const biome = spawnSync(join(REPO, 'node_modules/.bin/biome'), ['check', '.'], {
      cwd: clone,
      encoding: 'utf8',
    });
    expect(biome.stderr + biome.stdout).not.toMatch(/truncated/);
    expect(biome.status).toBe(0);
  });
});
