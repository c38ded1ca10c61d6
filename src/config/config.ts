import { parseCorsOrigins } from './cors-origins';
import { ConfigError, EnvReader } from './env-reader';
import { TOPIC_MAX_LENGTH, isTopicLabel } from '../common/topic-label';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

// Defaults a newcomer gets from `npm run dev` (NODE_ENV=development); any other NODE_ENV is
// production and refuses to fall back to them, or to be given them (refuseKnownSecrets).
export const DEV_DEFAULTS = {
  intercomAccessToken: 'dev-intercom-token',
  intercomBaseUrl: 'http://127.0.0.1:4010',
  intercomClientSecret: 'dev-intercom-client-secret',
  intercomAdminId: '991267001',
  sessionJwtSecret: 'dev-session-secret-change-me-0123456789abcdef',
  hostJwtSecret: 'dev-host-secret-change-me-0123456789abcdef',
  telegramBotToken: '123456789:dev-telegram-bot-token',
  fileLinkSecret: 'dev-file-link-secret-change-me-0123456789',
} as const;

export interface S3Config {
  bucket: string;
  endpoint: string | undefined;
  region: string;
  forcePathStyle: boolean;
  accessKeyId: string | undefined;
  secretAccessKey: string | undefined;
  checksumMode: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED';
  presignTtlSeconds: number;
  // Multipart uploads to S3 in flight at once per instance; each holds up to ~3 parts (15 MB) in memory.
  uploadConcurrency: number;
}

export interface AppConfig {
  production: boolean;
  host: string;
  port: number;
  publicBaseUrl: string;
  // Origins allowed to call /api/* and /auth/* from a browser (CORS_ORIGINS; default: our own).
  corsOrigins: string[];
  logLevel: LogLevel;
  // json in production; pretty (pino-pretty, a dev dependency) is what `npm run dev` picks on a terminal.
  logFormat: 'json' | 'pretty';
  trustProxy: string | false;
  bodyLimitBytes: number;
  // The HTTP layer's own bounds (src/common/http-layer.ts, docs/hardening.md).
  http: HttpConfig;
  // JSON bodies, bounded before parsing (src/common/json-body.ts); maxKeys counts keys and array items.
  json: { maxDepth: number; maxKeys: number };
  database: { url: string | undefined; poolSize: number };
  intercom: {
    accessToken: string;
    baseUrl: string;
    clientSecret: string;
    adminId: string;
    timeoutMs: number;
    rateLimitPerMinute: number;
    // Intercom calls one user's requests may cause per minute (INTERCOM_USER_CALLS_PER_MIN).
    userCallsPerMinute: number;
    breakerErrorThresholdPercent: number;
    breakerVolumeThreshold: number;
    breakerResetMs: number;
  };
  session: { secret: string; ttlSeconds: number; issuer: string; audience: string; cacheSize: number };
  // maxAgeSeconds: a host token's `iat` (required) may be at most this old.
  hostJwt: { secret: string | undefined; jwksUrl: string | undefined; issuer: string; audience: string; maxAgeSeconds: number };
  telegram: { botToken: string; apiBaseUrl: string; initDataMaxAgeSeconds: number; miniAppUrl: string | undefined };
  storage: { s3: S3Config | undefined; localDir: string };
  // userQuotaBytes: what one user's stored files may take in total (FILES_USER_QUOTA_MB);
  // unattachedRetentionHours: how long an upload never attached to a message is kept.
  files: {
    linkSecret: string;
    linkTtlSeconds: number;
    maxFileBytes: number;
    maxFilesPerMessage: number;
    userQuotaBytes: number;
    unattachedRetentionHours: number;
  };
  // Per user on /api/* (perMinute, poll, upload); per client IP on the anonymous routes.
  rateLimit: {
    perMinute: number;
    pollPerMinute: number;
    uploadPerMinute: number;
    authPerIpPerMinute: number;
    webhookFailuresPerIpPerMinute: number;
    fileLinkFailuresPerIpPerMinute: number;
  };
  // Body cap of /auth/* (a sign-in body is one short token).
  auth: { bodyLimitBytes: number };
  poll: { freshnessMs: number; maxSnapshots: number };
  // topics: the allowed `reason.main` values (CONVERSATION_TOPICS); unset = any plain-text label.
  conversations: { topicTagPrefix: string; metaMaxValueLength: number; topics: string[] | undefined };
  emulatorPort: number;
  // The reference Mini App (apps/tma) served at /tma/, and its dev-only sign-in (POST /auth/dev).
  tma: { dir: string; devSignIn: boolean };
  csat: { tagName: string; tagRetryDelaySeconds: number; tagRetryDelayMaxSeconds: number; tagGiveUpAfterSeconds: number };
  // work: false = this process only sends jobs (the dead-letters CLI); not an env var.
  jobs: { pollingIntervalSeconds: number; poolSize: number; work: boolean };
  devices: { maxPerUser: number };
  // reopenState: a ticket state id, or a category whose customer-facing state is used.
  tickets: { reopenState: string; catalogTtlMs: number };
  webhooks: WebhooksConfig;
  push: PushConfig;
  // Prometheus listener (src/metrics); port 0 = off. Never the public port.
  metrics: { port: number; host: string };
  // The commit this build was made from (GIT_COMMIT, set at image build time), shown by /health.
  commit: string | undefined;
  // The unread index (src/unread): a cold user's index is rebuilt from Intercom at most once per refreshMs.
  unread: { refreshMs: number };
  stream: StreamConfig;
}

export interface HttpConfig {
  // Longest request URL (path and query), in characters: longer is a 414.
  maxUrlLength: number;
  // Node's cap on the request line and headers together: over it is a 431.
  maxHeaderBytes: number;
  // The whole request (line, headers, body) must arrive within requestTimeoutMs, its headers
  // within headersTimeoutMs (408, then the socket is closed): a client trickling bytes is cut off.
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  // A socket with no traffic either way for this long is closed (Fastify's connectionTimeout).
  connectionTimeoutMs: number;
  keepAliveTimeoutMs: number;
  // Requests one keep-alive socket may carry before the server closes it (0 = no limit).
  maxRequestsPerSocket: number;
  // Open sockets per instance; past it new ones are refused at accept (server.maxConnections).
  maxConnections: number;
}

// Realtime stream (src/events, api.md › Realtime events).
export interface StreamConfig {
  heartbeatMs: number;
  maxPerUser: number;
  retentionHours: number;
  // The `retry:` a client waits before reconnecting.
  retryMs: number;
  // Bytes a connection may leave unsent before it is dropped (a client that does not read).
  maxBufferBytes: number;
  ticketTtlSeconds: number;
}

// Intercom webhook inbox (src/webhooks): the inbox table is the queue its workers drain.
export interface WebhooksConfig {
  // Inbox workers per instance; 0 = this instance only acknowledges (ingest-only).
  workers: number;
  batchSize: number;
  pollIntervalMs: number;
  retryDelayMs: number;
  retryDelayMaxMs: number;
  maxAttempts: number;
  retentionDays: number;
}

export interface FcmConfig {
  projectId: string;
  // Service account JSON (inline) or a path to it; secrets never logged.
  serviceAccountJson: string | undefined;
  serviceAccountPath: string | undefined;
}

export interface PushConfig {
  mobileSender: 'fcm' | 'log';
  tmaSender: 'telegram' | 'log';
  fcm: FcmConfig | undefined;
  timeoutMs: number;
  maxAttempts: number;
  telegramMaxRetryAfterSeconds: number;
  previewLength: number;
  // Overrides of the notification templates (src/notifications/notification-templates.ts).
  templates: Record<string, string>;
  // No push for an event while its user has a live stream open (api.md › Push payloads).
  suppressWhileStreaming: boolean;
  // How long a decided push is held by the instance sending it before another may take it over.
  deliveryLeaseMs: number;
  // Claims of one delivery (the first send plus take-overs after a crash) before it is given up.
  maxClaims: number;
  sweepIntervalMs: number;
}

function pushTemplates(value: string | undefined): Record<string, string> {
  if (value === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new ConfigError('PUSH_TEMPLATES must be a JSON object of strings');
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    Array.isArray(parsed) ||
    Object.values(parsed).some((text) => typeof text !== 'string')
  ) {
    throw new ConfigError('PUSH_TEMPLATES must be a JSON object of strings');
  }
  return parsed as Record<string, string>;
}

function pushConfig(read: EnvReader, production: boolean, miniAppUrl: string | undefined): PushConfig {
  const mobileSender = read.oneOf('PUSH_MOBILE_SENDER', ['fcm', 'log'] as const, production ? 'fcm' : 'log');
  const tmaSender = read.oneOf('PUSH_TMA_SENDER', ['telegram', 'log'] as const, production ? 'telegram' : 'log');
  let fcm: FcmConfig | undefined;
  if (mobileSender === 'fcm') {
    const serviceAccountJson = read.optionalSecret('FCM_SERVICE_ACCOUNT_JSON');
    const serviceAccountPath = read.optionalString('FCM_SERVICE_ACCOUNT_FILE');
    if (!serviceAccountJson && !serviceAccountPath) {
      throw new ConfigError('FCM_SERVICE_ACCOUNT_JSON or FCM_SERVICE_ACCOUNT_FILE is required when PUSH_MOBILE_SENDER=fcm');
    }
    fcm = { projectId: read.string('FCM_PROJECT_ID'), serviceAccountJson, serviceAccountPath };
  }
  if (tmaSender === 'telegram' && !miniAppUrl) throw new ConfigError('TELEGRAM_MINI_APP_URL is required when PUSH_TMA_SENDER=telegram');
  return {
    mobileSender,
    tmaSender,
    fcm,
    timeoutMs: read.int('PUSH_TIMEOUT_MS', 10_000, { min: 100, max: 60_000 }),
    maxAttempts: read.int('PUSH_MAX_ATTEMPTS', 3, { min: 1, max: 10 }),
    telegramMaxRetryAfterSeconds: read.int('TELEGRAM_MAX_RETRY_AFTER_SECONDS', 30, { min: 0, max: 300 }),
    previewLength: read.int('PUSH_PREVIEW_LENGTH', 120, { min: 10, max: 1000 }),
    templates: pushTemplates(read.optionalString('PUSH_TEMPLATES')),
    suppressWhileStreaming: read.bool('PUSH_SUPPRESS_WHILE_STREAMING', true),
    deliveryLeaseMs: read.int('PUSH_DELIVERY_LEASE_SECONDS', 300, { min: 5, max: 3600 }) * 1000,
    maxClaims: read.int('PUSH_MAX_CLAIMS', 3, { min: 1, max: 20 }),
    sweepIntervalMs: read.int('PUSH_SWEEP_INTERVAL_MS', 30_000, { min: 50, max: 600_000 }),
  };
}

// A reopen target is a numeric Intercom state id or an open category (reopening to resolved is no reopen).
function ticketReopenState(value: string): string {
  if (/^\d{1,32}$/.test(value) || ['submitted', 'in_progress', 'waiting_on_customer'].includes(value)) return value;
  throw new ConfigError('TICKET_REOPEN_STATE must be a ticket state id or one of submitted, in_progress, waiting_on_customer');
}

function gitCommit(value: string | undefined): string | undefined {
  if (value !== undefined && !/^[0-9a-f]{7,40}$/i.test(value))
    throw new ConfigError('GIT_COMMIT must be a commit hash (7 to 40 hex digits)');
  return value?.toLowerCase();
}

// Secrets anyone can read in this repository (the dev defaults, and what docker-compose.yml once
// shipped as fallbacks): a production instance given one of them would be open to anyone.
const PUBLIC_SECRETS: ReadonlySet<string> = new Set([
  DEV_DEFAULTS.intercomAccessToken,
  DEV_DEFAULTS.intercomClientSecret,
  DEV_DEFAULTS.sessionJwtSecret,
  DEV_DEFAULTS.hostJwtSecret,
  DEV_DEFAULTS.telegramBotToken,
  DEV_DEFAULTS.fileLinkSecret,
  'compose-session-secret-0123456789',
  'compose-host-secret-0123456789ab',
  '123456789:compose-telegram-token',
  'compose-file-link-secret-01234567',
]);

// Production refuses public secrets, and one key used for two jobs (a session secret equal to the
// host secret would let a token minted for one be taken for the other).
function refuseKnownSecrets(config: AppConfig): void {
  const secrets: [string, string | undefined][] = [
    ['INTERCOM_ACCESS_TOKEN', config.intercom.accessToken],
    ['INTERCOM_CLIENT_SECRET', config.intercom.clientSecret],
    ['SESSION_JWT_SECRET', config.session.secret],
    ['HOST_JWT_SECRET', config.hostJwt.secret],
    ['TELEGRAM_BOT_TOKEN', config.telegram.botToken],
    ['FILE_LINK_SECRET', config.files.linkSecret],
  ];
  const seen = new Map<string, string>();
  for (const [name, value] of secrets) {
    if (value === undefined) continue;
    if (PUBLIC_SECRETS.has(value))
      throw new ConfigError(`${name} is a published dev/compose value; set a secret of your own in production`);
    const twin = seen.get(value);
    if (twin) throw new ConfigError(`${name} must differ from ${twin}`);
    seen.set(value, name);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const read = new EnvReader(env);
  // Fails closed: only an explicit NODE_ENV=development gets dev defaults (unset, `test`, `staging`… are production).
  const production = env.NODE_ENV !== 'development';
  // In production a secret must be given explicitly; elsewhere the dev default applies.
  const mode = `NODE_ENV=${env.NODE_ENV ?? '(unset)'} is production; only NODE_ENV=development has dev defaults`;
  const secret = (name: string, devDefault: string): string => {
    if (!production) return read.secret(name, devDefault);
    if (read.optionalString(name) === undefined) throw new ConfigError(`${name} is required (${mode})`);
    return read.secret(name);
  };

  const port = read.int('PORT', 3000, { min: 0, max: 65535 });
  // Hands out test-user sign-ins: never in production.
  const devSignIn = read.bool('DEV_SIGN_IN', !production);
  if (production && devSignIn) throw new ConfigError(`DEV_SIGN_IN must not be enabled in production (${mode})`);
  const s3Bucket = read.optionalString('S3_BUCKET');
  const hostJwksUrl = read.optionalUrl('HOST_JWKS_URL');
  const publicBaseUrl = read.url('PUBLIC_BASE_URL', `http://127.0.0.1:${port}`).replace(/\/$/, '');
  const config: AppConfig = {
    production,
    host: read.string('HOST', '0.0.0.0'),
    port,
    publicBaseUrl,
    corsOrigins: parseCorsOrigins(read.optionalString('CORS_ORIGINS'), publicBaseUrl),
    logLevel: read.oneOf('LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, 'info'),
    logFormat: read.oneOf('LOG_FORMAT', ['json', 'pretty'] as const, 'json'),
    trustProxy: read.optionalString('TRUSTED_PROXY') ?? false,
    bodyLimitBytes: read.int('BODY_LIMIT_BYTES', 256 * 1024, { min: 1024 }),
    http: {
      maxUrlLength: read.int('MAX_URL_LENGTH', 8192, { min: 256, max: 65_536 }),
      maxHeaderBytes: read.int('MAX_HEADER_BYTES', 16_384, { min: 4096, max: 65_536 }),
      requestTimeoutMs: read.int('REQUEST_TIMEOUT_MS', 120_000, { min: 1000, max: 3_600_000 }),
      headersTimeoutMs: read.int('HEADERS_TIMEOUT_MS', 10_000, { min: 500, max: 600_000 }),
      connectionTimeoutMs: read.int('CONNECTION_TIMEOUT_MS', 60_000, { min: 1000, max: 3_600_000 }),
      keepAliveTimeoutMs: read.int('KEEP_ALIVE_TIMEOUT_MS', 72_000, { min: 1000, max: 600_000 }),
      maxRequestsPerSocket: read.int('MAX_REQUESTS_PER_SOCKET', 1000, { min: 0, max: 1_000_000 }),
      maxConnections: read.int('MAX_CONNECTIONS', 20_000, { min: 10, max: 1_000_000 }),
    },
    json: {
      maxDepth: read.int('JSON_MAX_DEPTH', 32, { min: 4, max: 256 }),
      maxKeys: read.int('JSON_MAX_KEYS', 1000, { min: 50, max: 100_000 }),
    },
    database: {
      url: read.optionalUrl('DATABASE_URL'),
      poolSize: read.int('DATABASE_POOL_SIZE', 10, { min: 1, max: 200 }),
    },
    intercom: {
      accessToken: secret('INTERCOM_ACCESS_TOKEN', DEV_DEFAULTS.intercomAccessToken),
      baseUrl: read.url('INTERCOM_BASE_URL', DEV_DEFAULTS.intercomBaseUrl).replace(/\/$/, ''),
      clientSecret: secret('INTERCOM_CLIENT_SECRET', DEV_DEFAULTS.intercomClientSecret),
      adminId: production ? read.string('INTERCOM_ADMIN_ID') : read.string('INTERCOM_ADMIN_ID', DEV_DEFAULTS.intercomAdminId),
      timeoutMs: read.int('INTERCOM_TIMEOUT_MS', 5000, { min: 50, max: 60000 }),
      rateLimitPerMinute: read.int('INTERCOM_RATE_LIMIT_PER_MIN', 10000, { min: 1 }),
      userCallsPerMinute: read.int('INTERCOM_USER_CALLS_PER_MIN', 200, { min: 1 }),
      breakerErrorThresholdPercent: read.int('INTERCOM_BREAKER_ERROR_PERCENT', 50, { min: 1, max: 100 }),
      breakerVolumeThreshold: read.int('INTERCOM_BREAKER_VOLUME', 5, { min: 1 }),
      breakerResetMs: read.int('INTERCOM_BREAKER_RESET_MS', 10000, { min: 10 }),
    },
    session: {
      secret: secret('SESSION_JWT_SECRET', DEV_DEFAULTS.sessionJwtSecret),
      ttlSeconds: read.int('SESSION_TTL_SECONDS', 3600, { min: 60, max: 86400 }),
      issuer: read.string('SESSION_JWT_ISSUER', 'support-bff'),
      audience: read.string('SESSION_JWT_AUDIENCE', 'support-bff:session'),
      cacheSize: read.int('SESSION_CACHE_SIZE', 50000, { min: 0 }),
    },
    hostJwt: {
      secret: hostJwksUrl ? read.optionalSecret('HOST_JWT_SECRET') : secret('HOST_JWT_SECRET', DEV_DEFAULTS.hostJwtSecret),
      jwksUrl: hostJwksUrl,
      issuer: read.string('HOST_JWT_ISSUER', 'host-app'),
      audience: read.string('HOST_JWT_AUDIENCE', 'support-bff'),
      maxAgeSeconds: read.int('HOST_JWT_MAX_AGE_SECONDS', 300, { min: 10, max: 86_400 }),
    },
    telegram: {
      botToken: secret('TELEGRAM_BOT_TOKEN', DEV_DEFAULTS.telegramBotToken),
      apiBaseUrl: read.url('TELEGRAM_API_BASE_URL', 'https://api.telegram.org').replace(/\/$/, ''),
      initDataMaxAgeSeconds: read.int('TELEGRAM_INIT_DATA_MAX_AGE_SECONDS', 3600, { min: 1 }),
      miniAppUrl: read.optionalUrl('TELEGRAM_MINI_APP_URL'),
    },
    storage: {
      s3: s3Bucket
        ? {
            bucket: s3Bucket,
            endpoint: read.optionalUrl('S3_ENDPOINT'),
            region: read.string('S3_REGION', 'us-east-1'),
            forcePathStyle: read.bool('S3_FORCE_PATH_STYLE', false),
            accessKeyId: read.optionalString('S3_ACCESS_KEY_ID'),
            secretAccessKey: read.optionalSecret('S3_SECRET_ACCESS_KEY'),
            checksumMode: read.oneOf('S3_CHECKSUM_MODE', ['WHEN_SUPPORTED', 'WHEN_REQUIRED'] as const, 'WHEN_SUPPORTED'),
            presignTtlSeconds: read.int('S3_PRESIGN_TTL_SECONDS', 300, { min: 10, max: 3600 }),
            uploadConcurrency: read.int('S3_UPLOAD_CONCURRENCY', 4, { min: 1, max: 100 }),
          }
        : undefined,
      localDir: read.string('FILES_DIR', '.data/files'),
    },
    files: {
      linkSecret: secret('FILE_LINK_SECRET', DEV_DEFAULTS.fileLinkSecret),
      linkTtlSeconds: read.int('FILE_LINK_TTL_SECONDS', 86400, { min: 60 }),
      maxFileBytes: read.int('MAX_FILE_MB', 20, { min: 1, max: 1024 }) * 1024 * 1024,
      maxFilesPerMessage: read.int('MAX_FILES_PER_MSG', 10, { min: 1, max: 100 }),
      userQuotaBytes: read.int('FILES_USER_QUOTA_MB', 1024, { min: 1, max: 1024 * 1024 }) * 1024 * 1024,
      unattachedRetentionHours: read.int('FILES_UNATTACHED_RETENTION_HOURS', 24, { min: 1, max: 24 * 365 }),
    },
    rateLimit: {
      perMinute: read.int('RATE_LIMIT_PER_MIN', 120, { min: 1 }),
      pollPerMinute: read.int('RATE_LIMIT_POLL_PER_MIN', 600, { min: 1 }),
      uploadPerMinute: read.int('RATE_LIMIT_UPLOAD_PER_MIN', 20, { min: 1 }),
      authPerIpPerMinute: read.int('RATE_LIMIT_AUTH_PER_IP_PER_MIN', 30, { min: 1 }),
      webhookFailuresPerIpPerMinute: read.int('RATE_LIMIT_WEBHOOK_FAILURES_PER_IP_PER_MIN', 10, { min: 1 }),
      fileLinkFailuresPerIpPerMinute: read.int('RATE_LIMIT_FILE_LINK_FAILURES_PER_IP_PER_MIN', 20, { min: 1 }),
    },
    auth: {
      // The largest valid sign-in body (a 4096-character token or initData) fits with room.
      bodyLimitBytes: read.int('AUTH_BODY_LIMIT_BYTES', 8192, { min: 4608, max: 65_536 }),
    },
    poll: {
      freshnessMs: read.int('POLL_FRESHNESS_MS', 3000, { min: 0 }),
      maxSnapshots: read.int('POLL_MAX_SNAPSHOTS', 20000, { min: 1 }),
    },
    conversations: {
      topicTagPrefix: read.string('TOPIC_TAG_PREFIX', 'topic:'),
      metaMaxValueLength: read.int('META_MAX_VALUE_LENGTH', 200, { min: 8, max: 2000 }),
      topics: conversationTopics(read.optionalString('CONVERSATION_TOPICS')),
    },
    emulatorPort: read.int('EMULATOR_PORT', 4010, { min: 0, max: 65535 }),
    tma: { dir: read.string('TMA_DIR', 'apps/tma/dist'), devSignIn },
    csat: {
      tagName: read.string('CSAT_TAG_NAME', 'csat-rated'),
      tagRetryDelaySeconds: read.int('CSAT_TAG_RETRY_DELAY_SECONDS', 5, { min: 1 }),
      tagRetryDelayMaxSeconds: read.int('CSAT_TAG_RETRY_DELAY_MAX_SECONDS', 600, { min: 1 }),
      // Past this, a tag Intercom still cannot take is a dead letter (listed, alerted, replayable).
      tagGiveUpAfterSeconds: read.int('CSAT_TAG_GIVE_UP_AFTER_SECONDS', 259_200, { min: 1, max: 2_592_000 }),
    },
    jobs: {
      pollingIntervalSeconds: read.int('JOBS_POLL_INTERVAL_SECONDS', 2, { min: 1, max: 60 }),
      poolSize: read.int('JOBS_POOL_SIZE', 4, { min: 2, max: 50 }),
      work: true,
    },
    devices: { maxPerUser: read.int('MAX_DEVICES_PER_USER', 10, { min: 1, max: 1000 }) },
    tickets: {
      reopenState: ticketReopenState(read.string('TICKET_REOPEN_STATE', 'in_progress')),
      catalogTtlMs: read.int('TICKET_CATALOG_TTL_SECONDS', 300, { min: 1, max: 86400 }) * 1000,
    },
    webhooks: {
      workers: read.int('WEBHOOK_WORKERS', 2, { min: 0, max: 32 }),
      batchSize: read.int('WEBHOOK_BATCH_SIZE', 20, { min: 1, max: 500 }),
      pollIntervalMs: read.int('WEBHOOK_POLL_INTERVAL_MS', 1000, { min: 50, max: 60_000 }),
      retryDelayMs: read.int('WEBHOOK_RETRY_DELAY_MS', 2000, { min: 10 }),
      retryDelayMaxMs: read.int('WEBHOOK_RETRY_DELAY_MAX_MS', 300_000, { min: 10 }),
      maxAttempts: read.int('WEBHOOK_MAX_ATTEMPTS', 10, { min: 1, max: 100 }),
      retentionDays: read.int('WEBHOOK_RETENTION_DAYS', 7, { min: 1, max: 365 }),
    },
    push: pushConfig(read, production, read.optionalUrl('TELEGRAM_MINI_APP_URL')),
    metrics: {
      port: read.int('METRICS_PORT', 9464, { min: 0, max: 65535 }),
      host: read.string('METRICS_HOST', read.string('HOST', '0.0.0.0')),
    },
    commit: gitCommit(read.optionalString('GIT_COMMIT')),
    unread: { refreshMs: read.int('UNREAD_REFRESH_SECONDS', 60, { min: 1, max: 86_400 }) * 1000 },
    stream: {
      heartbeatMs: read.int('STREAM_HEARTBEAT_MS', 15_000, { min: 100, max: 600_000 }),
      maxPerUser: read.int('STREAM_MAX_PER_USER', 5, { min: 1, max: 100 }),
      retentionHours: read.int('STREAM_RETENTION_HOURS', 24, { min: 1, max: 24 * 90 }),
      retryMs: read.int('STREAM_RETRY_MS', 2000, { min: 100, max: 600_000 }),
      maxBufferBytes: read.int('STREAM_MAX_BUFFER_KB', 256, { min: 16, max: 64 * 1024 }) * 1024,
      ticketTtlSeconds: 60,
    },
  };
  if (production) refuseKnownSecrets(config);
  // A quota below one file would refuse files that MAX_FILE_MB promises.
  if (config.files.userQuotaBytes < config.files.maxFileBytes) throw new ConfigError('FILES_USER_QUOTA_MB must be >= MAX_FILE_MB');
  if (production && config.logFormat === 'pretty') {
    throw new ConfigError('LOG_FORMAT=pretty is for development (pino-pretty is not installed in production); use json');
  }
  if (config.metrics.port !== 0 && config.metrics.port === config.port) {
    throw new ConfigError('METRICS_PORT must differ from PORT (metrics are never served on the public port)');
  }
  if (config.http.headersTimeoutMs > config.http.requestTimeoutMs) {
    throw new ConfigError('HEADERS_TIMEOUT_MS must be <= REQUEST_TIMEOUT_MS (Node checks the headers within the request)');
  }
  // A live stream is silent between heartbeats: the idle-socket timeout must not cut it.
  if (config.http.connectionTimeoutMs <= config.stream.heartbeatMs) {
    throw new ConfigError('CONNECTION_TIMEOUT_MS must be greater than STREAM_HEARTBEAT_MS');
  }
  if (!config.hostJwt.secret && !config.hostJwt.jwksUrl) {
    throw new ConfigError('HOST_JWT_SECRET or HOST_JWKS_URL must be set');
  }
  return config;
}

// CONVERSATION_TOPICS: comma-separated, each a label that `reason.main` could also be without the list.
function conversationTopics(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const topics = raw.split(',').map((topic) => topic.trim());
  for (const topic of topics) {
    if (!isTopicLabel(topic)) {
      throw new ConfigError(
        `CONVERSATION_TOPICS: "${topic}" is not a plain-text label (1 to ${TOPIC_MAX_LENGTH} letters, digits, spaces and . , : ; ! ? ' & ( ) + / - _)`,
      );
    }
  }
  const duplicate = topics.find((topic, index) => topics.indexOf(topic) !== index);
  if (duplicate !== undefined) throw new ConfigError(`CONVERSATION_TOPICS: "${duplicate}" is listed twice`);
  return topics;
}
