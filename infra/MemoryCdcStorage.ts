/**
 * The bucket of memory-cdc: the TTL archive (moving to cheaper classes), claim checks (events too
 * large for the bus) and dead letters (each expiring), with server access logs in a second bucket.
 * Writers get `PutObject` under their own prefix only, through the `grant*` methods.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** The key prefix of claim-check objects. */
export const CLAIM_CHECK_PREFIX = 'claim-check/';
/** The key prefix of dead letters (`dead-letter/<function>/…`). */
export const DEAD_LETTER_PREFIX = 'dead-letter/';
/**
 * Where Lambda writes the invocation records of batches its event source mappings gave up on (the
 * S3 on-failure destination: the whole batch, not only stream positions). Lambda chooses the keys
 * below it: `aws/lambda/<mapping id>/<shard id>/YYYY/MM/DD/…`.
 */
export const ON_FAILURE_PREFIX = 'aws/lambda/';
/** Id of the bucket's request-metrics filter on {@link ON_FAILURE_PREFIX} (CloudWatch `FilterId`). */
export const ON_FAILURE_METRICS_FILTER = 'OnFailureRecords';

/** Properties of {@link MemoryCdcStorage}. */
export interface MemoryCdcStorageProps {
  /** Key prefix of the TTL archive, ending in `/`. */
  readonly archivePrefix: string;
  /** Archive objects move to S3 Standard-IA after this long. */
  readonly archiveInfrequentAccessAfter: Duration;
  /** Archive objects move to S3 Glacier Instant Retrieval after this long. */
  readonly archiveGlacierAfter: Duration;
  /**
   * Archive objects are deleted after this long.
   * @default kept forever
   */
  readonly archiveExpiration?: Duration;
  /** Claim-check objects are deleted after this long. */
  readonly claimCheckExpiration: Duration;
  /** Dead letters are deleted after this long. */
  readonly deadLetterExpiration: Duration;
}

/** The archive / claim-check / dead-letter bucket and its access-log bucket. */
export class MemoryCdcStorage extends Construct {
  /** Archive, claim checks and dead letters (prefixes `archive/`, `claim-check/`, `dead-letter/`). */
  readonly bucket: s3.Bucket;
  /** Server access logs of {@link bucket}. */
  readonly accessLogsBucket: s3.Bucket;
  /** Key prefix of the TTL archive. */
  readonly archivePrefix: string;

  constructor(scope: Construct, id: string, props: MemoryCdcStorageProps) {
    super(scope, id);
    this.archivePrefix = props.archivePrefix;
    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the server access log bucket of the memory-cdc bucket; logging it to itself would loop.',
    });
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'memory-cdc/',
      lifecycleRules: [
        {
          id: 'archive-to-cheaper-classes',
          prefix: props.archivePrefix,
          transitions: [
            {
              storageClass: s3.StorageClass.INFREQUENT_ACCESS,
              transitionAfter: props.archiveInfrequentAccessAfter,
            },
            {
              storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
              transitionAfter: props.archiveGlacierAfter,
            },
          ],
          ...(props.archiveExpiration ? { expiration: props.archiveExpiration } : {}),
        },
        { id: 'expire-claim-checks', prefix: CLAIM_CHECK_PREFIX, expiration: props.claimCheckExpiration },
        { id: 'expire-dead-letters', prefix: DEAD_LETTER_PREFIX, expiration: props.deadLetterExpiration },
        {
          id: 'expire-on-failure-records',
          prefix: ON_FAILURE_PREFIX,
          expiration: props.deadLetterExpiration,
        },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
    // Request metrics on the on-failure prefix: an alarm fires when Lambda stores a failed batch.
    this.bucket.addMetric({ id: ON_FAILURE_METRICS_FILTER, prefix: ON_FAILURE_PREFIX });
  }

  /**
   * Lets a writer store new archive objects (`PutObject` under the archive prefix).
   * @param grantee the archiver's role
   */
  grantArchiveWrite(grantee: iam.IGrantable): iam.Grant {
    return this.bucket.grants.actionsOnObjectKeys(grantee, `${this.archivePrefix}*`, 's3:PutObject');
  }

  /**
   * Lets a producer store claim checks (`PutObject` under `claim-check/`).
   * @param grantee the router's role
   */
  grantClaimCheckWrite(grantee: iam.IGrantable): iam.Grant {
    return this.bucket.grants.actionsOnObjectKeys(grantee, `${CLAIM_CHECK_PREFIX}*`, 's3:PutObject');
  }

  /**
   * Lets a subscriber read claim-check objects (the full detail of events too large for the bus).
   * @param grantee the subscriber's function or role
   */
  grantClaimCheckRead(grantee: iam.IGrantable): iam.Grant {
    return this.bucket.grants.actionsOnObjectKeys(grantee, `${CLAIM_CHECK_PREFIX}*`, 's3:GetObject');
  }

  /**
   * Lets a function dead-letter records under its own prefix (`dead-letter/<name>/`).
   * @param grantee the function's role
   * @param name the function's name in the prefix, e.g. `router`
   */
  grantDeadLetterWrite(grantee: iam.IGrantable, name: string): iam.Grant {
    return this.bucket.grants.actionsOnObjectKeys(grantee, `${DEAD_LETTER_PREFIX}${name}/*`, 's3:PutObject');
  }

  /**
   * Lets Lambda, acting with a function's role, store the invocation records of failed batches
   * (`PutObject` under `aws/lambda/`, and `ListBucket`, which the S3 on-failure destination needs).
   * @param grantee the function's role
   */
  grantOnFailureWrite(grantee: iam.IGrantable): iam.Grant {
    iam.Grant.addToPrincipal({ grantee, actions: ['s3:ListBucket'], resourceArns: [this.bucket.bucketArn] });
    return this.bucket.grants.actionsOnObjectKeys(grantee, `${ON_FAILURE_PREFIX}*`, 's3:PutObject');
  }
}
