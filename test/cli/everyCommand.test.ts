/**
 * The CLI's conventions (README "Conventions"), walked over every command: a wrong flag, a missing
 * required flag (or value), a bad endpoint and a bad file each give the documented exit code and a
 * first line that says what is wrong. Commands run in-process through `main()`; a few runs of the
 * real bin pin the exit codes a shell sees, Ctrl-C's 130 included.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main.js';
import { PRESET_LAYOUTS } from '../../lib/layout/resolveLayout.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

interface Run {
  code: number;
  out: string;
  err: string;
  /** The first line written to stderr. */
  first: string;
}

const cwd = mkdtempSync(join(tmpdir(), 'memory-cdc-conventions-'));
/** TMPDIR while the commands run: whatever a command leaves in the temp dir shows up here. */
const commandTmp = join(cwd, 'tmp');
let savedTmpdir: string | undefined;

beforeAll(() => {
  mkdirSync(commandTmp);
  savedTmpdir = process.env.TMPDIR;
  process.env.TMPDIR = commandTmp;
  writeFileSync(join(cwd, 'not-json.json'), '{"kinesis": ');
  writeFileSync(join(cwd, 'exists.json'), 'keep me\n');
  writeFileSync(join(cwd, 'q.json'), '[0.1, 0.2]');
});

afterAll(() => {
  if (savedTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmpdir;
  rmSync(cwd, { recursive: true, force: true });
});

async function run(...args: string[]): Promise<Run> {
  let out = '';
  let err = '';
  const code = await main(['node', 'memory-cdc', ...args], {
    out: (s) => {
      out += s;
    },
    err: (s) => {
      err += s;
    },
    cwd,
  });
  return { code, out, err, first: err.split('\n')[0]! };
}

/** How to walk one command. */
interface CommandCase {
  /** Arguments that make a complete command line (never run as such here). */
  minimal: string[];
  /** A command line missing a required flag, argument or value, and commander's or the command's first line. */
  missing: [string[], string | RegExp];
  /** A command line naming a bad file (missing, not JSON, or an output that exists), and the first line. */
  badFile: [string[], string | RegExp];
}

const abs = (name: string) => join(cwd, name);
const notJson = (flag: string, command: string) =>
  new RegExp(
    `^memory-cdc ${command}: ${flag}: ${abs('not-json.json').replace(/[/.]/g, '\\$&')} is not valid JSON: `,
  );

/** Every command; the first test checks that this list is exactly what `memory-cdc --help` offers. */
const COMMANDS: Record<string, CommandCase> = {
  replay: {
    minimal: [],
    missing: [['replay', '--layout'], "error: option '--layout <layout>' argument missing"],
    badFile: [
      ['replay', 'missing.json'],
      `memory-cdc replay: no such fixture file or folder: missing.json (relative paths are from ${cwd})`,
    ],
  },
  'test-pattern': {
    minimal: ['--pattern', '{}', '--event', '{}'],
    missing: [
      ['test-pattern', '--event', '{}'],
      "error: required option '--pattern <file|json>' not specified",
    ],
    badFile: [
      ['test-pattern', '--pattern', 'missing.json', '--event', '{}'],
      `memory-cdc test-pattern: --pattern: cannot read ${abs('missing.json')}`,
    ],
  },
  fixtures: {
    minimal: ['--count', '1'],
    missing: [['fixtures', '--mix'], "error: option '--mix <weights>' argument missing"],
    badFile: [
      ['fixtures', '--count', '1', '-o', 'exists.json'],
      `memory-cdc fixtures: --out ${abs('exists.json')} already exists (pass --force to overwrite)`,
    ],
  },
  'layout show': {
    minimal: ['agent-memory'],
    missing: [['layout', 'show'], "error: missing required argument 'preset'"],
    // Takes no file: a preset that does not exist is its bad input.
    badFile: [
      ['layout', 'show', 'nope'],
      `memory-cdc layout show: unknown preset "nope" (presets: ${Object.keys(PRESET_LAYOUTS).join(', ')})`,
    ],
  },
  tail: {
    minimal: ['--table', 't'],
    missing: [['tail'], 'memory-cdc tail: --table (or --stream-arn) is required'],
    badFile: [['tail', '--table', 't', '--routing', 'not-json.json'], notJson('--routing', 'tail')],
  },
  capture: {
    minimal: ['--table', 't', '--out', 'new.json'],
    missing: [['capture', '--table', 't'], "error: required option '--out <file>' not specified"],
    badFile: [
      ['capture', '--table', 't', '--out', 'exists.json'],
      `memory-cdc capture: --out ${abs('exists.json')} already exists (pass --force to overwrite)`,
    ],
  },
  backfill: {
    minimal: ['--table', 't'],
    missing: [['backfill'], "error: required option '--table <name>' not specified"],
    badFile: [
      ['backfill', '--table', 't', '--layout', 'missing.json'],
      `memory-cdc backfill: layout "missing.json" is neither a preset (${Object.keys(PRESET_LAYOUTS).join(', ')}) nor a readable file`,
    ],
  },
  restore: {
    minimal: ['archive'],
    missing: [['restore'], "error: missing required argument 'source'"],
    badFile: [
      ['restore', 'missing-archive', '--dry-run'],
      /^memory-cdc restore: no archive objects at .*missing-archive/,
    ],
  },
  dev: {
    minimal: [],
    missing: [['dev', '--routing'], "error: option '--routing <file>' argument missing"],
    // Refused before DynamoDB Local starts: this returns at once.
    badFile: [['dev', '--routing', 'not-json.json'], notJson('--routing', 'dev')],
  },
  'vectors sync': {
    minimal: [],
    missing: [['vectors', 'sync', '--index'], "error: option '--index <dir>' argument missing"],
    badFile: [['vectors', 'sync', '--routing', 'not-json.json'], notJson('--routing', 'vectors sync')],
  },
  'vectors query': {
    minimal: ['--user', 'u', '--vector', 'q.json'],
    missing: [
      ['vectors', 'query', '--vector', 'q.json'],
      "error: required option '--user <userId>' not specified",
    ],
    badFile: [
      ['vectors', 'query', '--user', 'u', '--vector', 'q.json', '--index', 'no-index'],
      `memory-cdc vectors query: no local vector index at ${abs('no-index')}: run \`memory-cdc vectors sync\` first`,
    ],
  },
  rules: {
    minimal: ['--app', 'cdk.out'],
    missing: [['rules', '--app'], "error: option '--app <path>' argument missing"],
    badFile: [
      ['rules', '--app', 'cdk.out', '--out', 'exists.json'],
      `memory-cdc rules: --out ${abs('exists.json')} already exists (pass --force to overwrite)`,
    ],
  },
  estimate: {
    minimal: ['--changes', 'turn=1'],
    missing: [
      ['estimate'],
      'memory-cdc estimate: give the workload: --changes turn=50,run=5,… , --workload FILE or --from CAPTURE',
    ],
    badFile: [
      ['estimate', '--from', 'missing.json'],
      `memory-cdc estimate: no such --from file: missing.json (relative paths are from ${cwd})`,
    ],
  },
  redrive: {
    minimal: ['.memory-cdc', '--dry-run'],
    missing: [['redrive', '--dry-run'], "error: missing required argument 'source'"],
    badFile: [
      ['redrive', 'missing-folder', '--dry-run'],
      `memory-cdc redrive: no such folder: missing-folder (relative paths are from ${cwd})`,
    ],
  },
  'routing show': {
    minimal: [],
    missing: [['routing', 'show', '--out'], "error: option '--out <file>' argument missing"],
    badFile: [['routing', 'show', '--routing', 'not-json.json'], notJson('--routing', 'routing show')],
  },
};

/** The commands `--help` lists, groups expanded (`vectors sync`), `help` itself left out. */
async function listedCommands(prefix: string[] = []): Promise<string[]> {
  const { out } = await run(...prefix, '--help');
  const section = out.split(/^Commands:$/m)[1] ?? '';
  const names = [...section.matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1]!).filter((n) => n !== 'help');
  const all: string[] = [];
  for (const name of names) {
    const sub = await listedCommands([...prefix, name]);
    all.push(...(sub.length ? sub : [[...prefix, name].join(' ')]));
  }
  return all;
}

/** The long names of a command's endpoint flags, from its own help. */
async function endpointFlags(path: string[]): Promise<string[]> {
  const { out } = await run(...path, '--help');
  return [...new Set([...out.matchAll(/(--[a-z0-9-]*endpoint[a-z0-9-]*) </g)].map((m) => m[1]!))];
}

describe('every command follows the conventions', () => {
  it('walks every command memory-cdc --help lists', async () => {
    expect((await listedCommands()).sort()).toEqual(Object.keys(COMMANDS).sort());
  });

  for (const [name, command] of Object.entries(COMMANDS)) {
    const path = name.split(' ');
    describe(name, () => {
      it('refuses an unknown flag with exit 2 and names it', async () => {
        const result = await run(...path, ...command.minimal, '--bogus');
        expect([result.code, result.first]).toEqual([2, "error: unknown option '--bogus'"]);
        expect(result.out).toBe('');
      });

      it('refuses a missing required flag or value with exit 2 and names it', async () => {
        const [args, first] = command.missing;
        const result = await run(...args);
        expect(result.code).toBe(2);
        expect(result.first).toMatch(first);
      });

      it('refuses an endpoint without scheme with exit 2, showing the expected form, before any work', async () => {
        const flags = await endpointFlags(path);
        if (flags.length === 0) {
          // A command that talks to no endpoint takes no endpoint flag (and does not ignore one).
          const result = await run(...path, ...command.minimal, '--endpoint', 'localhost:8000');
          expect([result.code, result.first]).toEqual([2, "error: unknown option '--endpoint'"]);
          return;
        }
        for (const flag of flags) {
          const result = await run(...path, ...command.minimal, flag, 'localhost:8000');
          expect([result.code, result.first]).toEqual([
            2,
            `memory-cdc ${name}: ${flag}: expected a URL with scheme and host such as http://localhost:8000 (given "localhost:8000"; did you mean http://localhost:8000?)`,
          ]);
          expect(result.out).toBe('');
        }
      });

      it('refuses a bad file with exit 2, naming it, and leaves an existing output file alone', async () => {
        const [args, first] = command.badFile;
        const result = await run(...args);
        expect(result.code).toBe(2);
        expect(result.first).toMatch(first);
        expect(readFileSync(abs('exists.json'), 'utf8')).toBe('keep me\n');
      });
    });
  }

  it('checks the hidden --endpoint alias as it checks --endpoint-url', async () => {
    for (const name of ['tail', 'capture', 'backfill', 'restore']) {
      const result = await run(
        ...name.split(' '),
        ...COMMANDS[name]!.minimal,
        '--endpoint',
        'localhost:8000',
      );
      expect([result.code, result.first]).toEqual([
        2,
        `memory-cdc ${name}: --endpoint: expected a URL with scheme and host such as http://localhost:8000 (given "localhost:8000"; did you mean http://localhost:8000?)`,
      ]);
    }
  });

  it('walks the Kinesis source flags of tail and capture as it walks their DynamoDB ones', async () => {
    for (const name of ['tail', 'capture']) {
      const out = name === 'capture' ? ['--out', 'new.json'] : [];
      const missing = await run(name, ...out, '--kinesis-stream');
      expect([missing.code, missing.first]).toEqual([
        2,
        "error: option '--kinesis-stream <name|arn>' argument missing",
      ]);
      const endpoint = await run(name, ...out, '--kinesis-stream', 's', '--endpoint-url', 'localhost:4567');
      expect([endpoint.code, endpoint.first]).toEqual([
        2,
        `memory-cdc ${name}: --endpoint-url: expected a URL with scheme and host such as http://localhost:8000 (given "localhost:4567"; did you mean http://localhost:4567?)`,
      ]);
      const both = await run(name, ...out, '--kinesis-stream', 's', '--stream-arn', 'arn:x');
      expect([both.code, both.first]).toEqual([
        2,
        `memory-cdc ${name}: --kinesis-stream reads a Kinesis data stream: give it without --stream-arn`,
      ]);
    }
    const format = await run('capture', '--table', 't', '--out', 'new.json', '--format', 'parquet');
    expect([format.code, format.first]).toEqual([
      2,
      'memory-cdc capture: --format must be dynamodb or kinesis (given "parquet")',
    ]);
  });

  it("walks dev's --source as it walks its other flags, refused before DynamoDB Local starts", async () => {
    const missing = await run('dev', '--source');
    expect([missing.code, missing.first]).toEqual([2, "error: option '--source <source>' argument missing"]);
    const bad = await run('dev', '--source', 'kafka');
    expect([bad.code, bad.first]).toEqual([
      2,
      'memory-cdc dev: --source must be dynamodb-stream or kinesis (given "kafka")',
    ]);
  });

  it('lists the endpoint flags the README documents, and only on commands that call AWS', async () => {
    const withEndpoints: Record<string, string[]> = {};
    for (const name of Object.keys(COMMANDS)) {
      const flags = await endpointFlags(name.split(' '));
      if (flags.length) withEndpoints[name] = flags;
    }
    expect(Object.keys(withEndpoints).sort()).toEqual(
      ['backfill', 'capture', 'redrive', 'restore', 'tail', 'vectors query', 'vectors sync'].sort(),
    );
  });

  it('prints JSON with --json where the output is a report', async () => {
    const pattern = await run(
      'test-pattern',
      '--pattern',
      '{"source":["a"]}',
      '--event',
      '{"source":"a"}',
      '--json',
    );
    expect([pattern.code, JSON.parse(pattern.out)]).toEqual([0, { match: true }]);
    const replayed = await run('replay', '--no-archive', '--json');
    expect(replayed.code).toBe(0);
    for (const line of replayed.out.trim().split('\n')) expect(JSON.parse(line)).toHaveProperty('sink');
    const synced = await run('vectors', 'sync', '--index', 'vectors', '--json');
    expect(synced.code).toBe(0);
    expect(JSON.parse(synced.out)).toMatchObject({ index: { directory: abs('vectors') } });
  });

  it('leaves nothing behind in the temp dir, commands that synthesize a CDK app included', async () => {
    const synthesized = await run(
      'rules',
      '--app',
      join(REPO, 'infra/app.ts'),
      '-c',
      'tableName=agent-memory',
      '-c',
      'streamArn=arn:aws:dynamodb:us-east-1:123456789012:table/agent-memory/stream/2026-01-01T00:00:00.000',
    );
    expect(synthesized.code).toBe(0);
    const written = await run('fixtures', '--count', '3', '-o', 'deep/new/fixture.json');
    expect(written.code).toBe(0);
    expect(readdirSync(commandTmp)).toEqual([]);
  });
});

describe('exit codes as a shell sees them (the real bin in its own process)', () => {
  let hung: Server;
  let hungUrl: string;
  let requests = 0;

  beforeAll(async () => {
    // Takes requests and never answers: the command waits until it is interrupted.
    hung = createServer(() => {
      requests += 1;
    });
    hung.listen(0, '127.0.0.1');
    await once(hung, 'listening');
    hungUrl = `http://127.0.0.1:${(hung.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    hung.closeAllConnections();
    await new Promise((resolve) => hung.close(resolve));
  });

  function bin(args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; err: string }> } {
    const bins = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).bin as Record<string, string>;
    const child = spawn(process.execPath, [join(REPO, bins['memory-cdc']!), ...args], {
      cwd,
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString('utf8');
    });
    const done = once(child, 'exit').then(([code]) => ({ code: code as number | null, err }));
    return { child, done };
  }

  it('exits 2 with the message on a wrong command line and 0 on success', async () => {
    const bogus = await bin(['fixtures', '--mix', 'bogus']).done;
    expect([bogus.code, bogus.err.split('\n')[0]]).toEqual([
      2,
      'memory-cdc fixtures: --mix: expected entity=weight (given "bogus")',
    ]);
    const fine = await bin(['fixtures', '--count', '1', '-o', 'from-bin.json']).done;
    expect(fine.code).toBe(0);
  });

  it('exits 130 when Ctrl-C stops a command that was waiting on AWS', async () => {
    const before = requests;
    const { child, done } = bin(['tail', '--table', 't', '--endpoint', hungUrl, '--no-progress']);
    while (requests === before && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(130);
    expect(result.err).toContain('tail: stopping');
  });
});
