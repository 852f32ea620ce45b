/**
 * The S3 Vectors bucket and index of turns (float32, SSE-S3). Bookkeeping and text stay out of
 * the 2 KB of filterable metadata; ids, role and time remain filterable.
 */
import { Fn } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3vectors from 'aws-cdk-lib/aws-s3vectors';
import { Construct } from 'constructs';
import { S3_VECTORS_NON_FILTERABLE_METADATA_KEYS } from '../lib/vector/backends/S3VectorsIndex.js';

/** Properties of {@link MemoryCdcVectorIndex}. */
export interface MemoryCdcVectorIndexProps {
  /** Name of the index inside the new vector bucket. */
  readonly indexName: string;
  /** Dimension of the vectors (1–4,096). */
  readonly dimension: number;
  /** Distance metric of the index. */
  readonly distanceMetric: 'cosine' | 'euclidean';
}

/** A vector bucket with the index of turns. */
export class MemoryCdcVectorIndex extends Construct {
  /** The S3 Vectors bucket. */
  readonly vectorBucket: s3vectors.CfnVectorBucket;
  /** The vector index of turns. */
  readonly vectorIndex: s3vectors.CfnIndex;
  /** Name of the vector bucket (the worker's `VECTOR_BUCKET_NAME`). */
  readonly vectorBucketName: string;
  /** Name of the index. */
  readonly indexName: string;

  constructor(scope: Construct, id: string, props: MemoryCdcVectorIndexProps) {
    super(scope, id);
    this.indexName = props.indexName;
    this.vectorBucket = new s3vectors.CfnVectorBucket(this, 'VectorBucket', {
      encryptionConfiguration: { sseType: 'AES256' },
    });
    this.vectorIndex = new s3vectors.CfnIndex(this, 'VectorIndex', {
      vectorBucketArn: this.vectorBucket.attrVectorBucketArn,
      indexName: props.indexName,
      dataType: 'float32',
      dimension: props.dimension,
      distanceMetric: props.distanceMetric,
      metadataConfiguration: { nonFilterableMetadataKeys: [...S3_VECTORS_NON_FILTERABLE_METADATA_KEYS] },
    });
    // Ref of a vector bucket is its ARN (`…:bucket/<name>`); the worker wants the name.
    this.vectorBucketName = Fn.select(1, Fn.split('bucket/', this.vectorBucket.attrVectorBucketArn));
  }

  /**
   * Lets a writer keep the index in sync: GetVectors reads the stored stream position (a stale
   * change never overwrites a newer one); deletes are tombstones written with PutVectors. The
   * S3 Vectors L1 has no grant methods, so the statement is scoped here to the one index ARN.
   * @param grantee the vector worker's role
   */
  grantSync(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3vectors:GetVectors', 's3vectors:PutVectors'],
      resourceArns: [this.vectorIndex.attrIndexArn],
    });
  }
}
