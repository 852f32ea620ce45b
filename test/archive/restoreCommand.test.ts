import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerRestore } from '../../lib/cli/commands/restore.js';
import { LocalArchiveSink } from '../../lib/sinks/archive/LocalArchiveSink.js';
import { S3ArchiveSink } from '../../lib/sinks/archive/S3ArchiveSink.js';
import { runRegisteredCommand } from '../support/runRegisteredCommand.js';
import { type S3rverHandle, startS3rver } from '../support/s3rver.js';
import { type DynaliteHandle, startDynalite } from './dynalite.js';
import { archiveOutputsOf, expiryBatch } from './expiries.js';

const BUCKET = 'restore-cli-archive';

/** Runs `memory-cdc restore …` with the command registered on a fresh program. */
const run = (args: string[], cwd: string) => runRegisteredCommand(registerRestore, 'restore', args, cwd);

describe('memory-cdc restore', () => {
  let dynamo: DynaliteHandle;
  let s3: S3rverHandle;
  let cwd: string;
  // 3 users x 2 conversations: per conversation 1 conversation item, 4 turns, 1 run, 1 ledger entry.
  const outputs = archiveOutputsOf(expiryBatch({ hours: 2 }).expiries);
  const perUser = outputs.filter((o) => o.payload.ids.userId === 'u-1').length;

  beforeAll(async () => {
    // One set of credentials for both emulators (dynalite accepts any).
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'S3RVER');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'S3RVER');
    dynamo = await startDynalite();
    s3 = await startS3rver({ buckets: [BUCKET] });
    cwd = await mkdtemp(join(tmpdir(), 'restore-cli-'));
    await new LocalArchiveSink({ cwd }).deliver(outputs);
    await new S3ArchiveSink({ client: s3.client(), bucket: BUCKET }).deliver(outputs);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await dynamo?.close();
    await s3?.close();
    if (cwd) await rm(cwd, { recursive: true, force: true });
  });

  const scan = async (table: string) =>
    (await dynamo.client().send(new ScanCommand({ TableName: table }))).Items ?? [];

  it("restores one user's items from replay's archive folder with a new expiry, and summarises", async () => {
    await dynamo.createTable('cli-user');
    const before = Math.floor(Date.now() / 1000);
    const result = await run(
      [
        '.memory-cdc/archive',
        '--table',
        'cli-user',
        '--user',
        'u-1',
        '--ttl-extend',
        '7d',
        '--endpoint-url',
        dynamo.endpoint,
      ],
      cwd,
    );
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toContain(`Matched ${perUser} item(s):\n  cli-user: ${perUser}`);
    expect(result.out).toMatch(/New expiry \(expires_at\): \d+/);
    expect(result.out).toContain(`Wrote ${perUser} item(s) in 1 BatchWriteItem call(s)`);
    const items = await scan('cli-user');
    expect(items).toHaveLength(perUser);
    for (const item of items) {
      expect(item.pk).toEqual({ S: 'USER#u-1' });
      expect(Number(item.expires_at!.N)).toBeGreaterThanOrEqual(before + 7 * 86_400);
    }
  });

  it('reads an s3:// archive and prints a JSON summary on a dry run, writing nothing', async () => {
    await dynamo.createTable('cli-dry');
    const result = await run(
      [
        `s3://${BUCKET}/archive/`,
        '--dry-run',
        '--json',
        '--conversation',
        'c-2-1',
        '--entity',
        'turn,run',
        '--s3-endpoint-url',
        s3.endpoint,
      ],
      cwd,
    );
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.out);
    expect(summary).toMatchObject({
      dryRun: true,
      itemsMatched: 5,
      itemsWritten: 0,
      tables: { 'agent-memory': 5 },
    });
    expect(await scan('cli-dry')).toHaveLength(0);
  });

  it.each([
    [['--ttl-extend', 'soon'], /--ttl-extend: expected a duration .* \(given "soon"\)/],
    [['--from', '2026-12-01', '--to', '2026-11-01'], /--from \(2026-12-01\) must be before --to/],
    [['--from', 'yesterday'], /--from: expected an ISO-8601 time/],
    [['--entity', 'turn,robot'], /--entity: unknown entity robot/],
  ])('rejects bad options %j with exit code 2 and a message naming them', async (args, message) => {
    const result = await run(['.memory-cdc/archive', '--dry-run', ...args], cwd);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
    expect(result.out).toBe('');
  });

  it('refuses items whose expiry passed unless --ttl-extend or --keep-expired is given', async () => {
    await dynamo.createTable('cli-expired');
    const args = [
      '.memory-cdc/archive',
      '--table',
      'cli-expired',
      '--user',
      'u-0',
      '--endpoint-url',
      dynamo.endpoint,
    ];
    const refused = await run(args, cwd);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(
      new RegExp(
        `${perUser} of ${perUser} item\\(s\\) to restore expired already \\(expires_at is in the past\\).*--ttl-extend.*--keep-expired`,
      ),
    );
    expect(await scan('cli-expired')).toHaveLength(0);

    const dry = await run([...args, '--dry-run'], cwd);
    expect(dry.code).toBe(0);
    expect(dry.out).toContain(`${perUser} item(s) expired already: a real run refuses them`);

    const kept = await run([...args, '--keep-expired'], cwd);
    expect(kept.code).toBe(0);
    expect(await scan('cli-expired')).toHaveLength(perUser);
  });

  it('writes to DynamoDB Local without AWS credentials, with --endpoint-url or its alias --endpoint', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', undefined);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', undefined);
    vi.stubEnv('AWS_PROFILE', undefined);
    // No shared config either: the SDK's credential chain would find nothing.
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(cwd, 'no-credentials'));
    vi.stubEnv('AWS_CONFIG_FILE', join(cwd, 'no-config'));
    try {
      for (const flag of ['--endpoint-url', '--endpoint']) {
        const table = `cli-nocreds${flag.length}`;
        await dynamo.createTable(table);
        const result = await run(
          ['.memory-cdc/archive', '--table', table, '--user', 'u-2', '--keep-expired', flag, dynamo.endpoint],
          cwd,
        );
        expect(result.err).toBe('');
        expect(result.code).toBe(0);
        expect(await scan(table)).toHaveLength(perUser);
      }
    } finally {
      vi.stubEnv('AWS_ACCESS_KEY_ID', 'S3RVER');
      vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'S3RVER');
    }
  });

  it.each([
    ['a folder that does not exist', ['.memory-cdc/archvie']],
    ['an s3:// prefix holding no archive', [`s3://${BUCKET}/archvie/`, '--s3-endpoint-url']],
  ])('fails on %s instead of restoring nothing', async (_, args) => {
    const full = args.at(-1) === '--s3-endpoint-url' ? [...args, s3.endpoint] : args;
    const result = await run([...full, '--dry-run'], cwd);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/no archive objects at .*archvie.*is the path right/);
  });
});
