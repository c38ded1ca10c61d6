import { AppError } from '../common/errors';
import { codePointLength } from '../common/text-length';
import { DIAGNOSTICS_MAX_METRICS, DIAGNOSTICS_PLATFORMS, METRIC_NAME_PATTERN } from './diagnostics.dto';
import { redact } from './redact';

export type DiagnosticsRecord = Partial<Record<TextField, string>> & {
  timings?: Record<string, number>;
  counters?: Record<string, number>;
};

type TextField = 'platform' | 'appVersion' | 'osVersion' | 'deviceModel' | 'locale' | 'networkType' | 'eventName' | 'errorCode';

interface TextRule {
  maxLength: number;
  // A value outside the expected shape is replaced rather than logged (it may be anything).
  shape?: RegExp;
}

const VERSION = /^[0-9A-Za-z][0-9A-Za-z.+_-]*$/;
const TEXT_FIELDS: Record<TextField, TextRule> = {
  platform: { maxLength: 16, shape: new RegExp(`^(${DIAGNOSTICS_PLATFORMS.join('|')})$`) },
  appVersion: { maxLength: 32, shape: VERSION },
  osVersion: { maxLength: 32, shape: VERSION },
  deviceModel: { maxLength: 64 },
  locale: { maxLength: 16, shape: /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$/ },
  networkType: { maxLength: 16, shape: /^[A-Za-z0-9_-]+$/ },
  eventName: { maxLength: 64 },
  errorCode: { maxLength: 64 },
};
const METRIC_NAME = new RegExp(METRIC_NAME_PATTERN);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// Keeps allow-listed fields only (others are dropped silently: old and new app versions send
// different sets), rejects wrong types on known fields, and redacts free text.
export function sanitizeDiagnostics(body: unknown): DiagnosticsRecord {
  if (!isPlainObject(body)) throw new AppError('validation_error', 'body must be a JSON object');
  const record: DiagnosticsRecord = {};
  for (const [field, rule] of Object.entries(TEXT_FIELDS) as [TextField, TextRule][]) {
    const value = body[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') throw new AppError('validation_error', `${field} must be a string`);
    if (codePointLength(value) > rule.maxLength)
      throw new AppError('validation_error', `${field} must be at most ${rule.maxLength} characters`);
    record[field] = rule.shape ? (rule.shape.test(value) ? value : '[invalid]') : redact(value);
  }
  const timings = metrics(body, 'timings', (value) => Number.isFinite(value) && value >= 0);
  if (timings) record.timings = timings;
  const counters = metrics(body, 'counters', (value) => Number.isSafeInteger(value) && value >= 0);
  if (counters) record.counters = counters;
  return record;
}

function metrics(body: Record<string, unknown>, field: 'timings' | 'counters', valid: (value: number) => boolean) {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) throw new AppError('validation_error', `${field} must be an object of numbers`);
  const entries = Object.entries(value).filter(([name]) => METRIC_NAME.test(name));
  if (entries.length > DIAGNOSTICS_MAX_METRICS) {
    throw new AppError('validation_error', `${field} must have at most ${DIAGNOSTICS_MAX_METRICS} entries`);
  }
  const kept: Record<string, number> = {};
  for (const [name, metric] of entries) {
    if (typeof metric !== 'number' || !valid(metric))
      throw new AppError('validation_error', `${field}.${name} must be a non-negative number`);
    kept[name] = metric;
  }
  return kept;
}
