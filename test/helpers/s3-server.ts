import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

// @20minutes/s3rver ships no types; this is the part of its API used here.
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverOptions = {
  port: number;
  address: string;
  silent: boolean;
  directory: string;
  configureBuckets: { name: string; configs: string[] }[];
};
const requireFromHere = createRequire(__filename) as (id: string) => unknown;
const S3rver = requireFromHere('@20minutes/s3rver') as new (options: S3rverOptions) => S3rverInstance;
const { DUMMY_ACCOUNT } = requireFromHere('@20minutes/s3rver/lib/models/account') as {
  DUMMY_ACCOUNT: { createKeyPair(accessKeyId: string, secretAccessKey: string): void };
};

export interface RunningS3 {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  directory: string;
  // The BFF's environment for this server (S3 storage, path-style, checksums only when required).
  env: Record<string, string>;
  stop(): Promise<void>;
}

// A real S3-compatible server in-process (SigV4 and presigned URLs are checked), on a random port,
// with a temporary directory and the bucket already created.
export async function startS3Server(bucket = 'support-bff-test'): Promise<RunningS3> {
  const directory = await mkdtemp(join(tmpdir(), 'support-bff-s3-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  // s3rver's built-in key is shorter than our config accepts for a secret: register a longer one.
  const credentials = { accessKeyId: 'SUPPORTBFFTEST', secretAccessKey: 'support-bff-test-secret-key' };
  DUMMY_ACCOUNT.createKeyPair(credentials.accessKeyId, credentials.secretAccessKey);
  return {
    endpoint,
    bucket,
    directory,
    ...credentials,
    env: {
      S3_BUCKET: bucket,
      S3_ENDPOINT: endpoint,
      S3_REGION: 'us-east-1',
      S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: credentials.accessKeyId,
      S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      S3_CHECKSUM_MODE: 'WHEN_REQUIRED',
    },
    async stop() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
