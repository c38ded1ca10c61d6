import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Intercom } from 'intercom-client';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { MetricsService } from '../metrics/metrics.service';
import { IntercomGateway } from './intercom.gateway';
import { IntercomUserBudget } from './user-call-budget';

// The contact attributes the BFF writes (conversation meta and the client IP). Intercom refuses
// attributes nobody defined ("User attribute '…' does not exist"), so they must exist first.
export const CONTACT_ATTRIBUTES: readonly { name: string; description: string }[] = [
  { name: 'app_version', description: 'App version the customer last wrote from' },
  { name: 'app_platform', description: 'Platform (ios, android, tma, web)' },
  { name: 'os_version', description: 'Operating system version' },
  { name: 'app_locale', description: 'App locale' },
  { name: 'device_model', description: 'Device model' },
  { name: 'browser', description: 'Browser' },
  { name: 'timezone', description: 'Time zone' },
  { name: 'screen', description: 'Screen the customer wrote from' },
  { name: 'last_client_ip', description: 'IP address of the last request to support' },
];

export interface WorkspaceCheck {
  missingAttributes: string[];
  archivedAttributes: string[];
}

export interface WorkspaceSetupResult {
  createdAttributes: string[];
  restoredAttributes: string[];
  tags: string[];
}

const WRITE = { idempotent: false } as const;

// `npm run intercom:setup` (apply) and the boot check (check): the data attributes and tags the
// BFF relies on. Both are safe to repeat.
@Injectable()
export class IntercomWorkspaceSetup {
  private readonly logger = new Logger('IntercomSetup');

  constructor(
    private readonly gateway: IntercomGateway,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // Boot: say clearly what is missing; never stop the service for it (Intercom may be down, and
  // conversations work without enrichment).
  async logBootCheck(): Promise<void> {
    try {
      const check = await this.check();
      const absent = [...check.missingAttributes, ...check.archivedAttributes.map((name) => `${name} (archived)`)];
      if (absent.length === 0) this.logger.log('Intercom workspace has every contact attribute the BFF writes');
      else
        this.logger.warn(
          { missingAttributes: check.missingAttributes, archivedAttributes: check.archivedAttributes },
          `Intercom workspace lacks contact attributes ${absent.join(', ')}: contact enrichment skips them until \`npm run intercom:setup\` creates them`,
        );
    } catch (error) {
      this.logger.warn({ err: error }, 'Could not check the Intercom workspace setup (data attributes)');
    }
  }

  async check(): Promise<WorkspaceCheck> {
    const existing = await this.contactAttributes();
    const byName = new Map(existing.map((attribute) => [attribute.name, attribute]));
    return {
      missingAttributes: CONTACT_ATTRIBUTES.filter(({ name }) => !byName.has(name)).map(({ name }) => name),
      archivedAttributes: CONTACT_ATTRIBUTES.filter(({ name }) => byName.get(name)?.archived).map(({ name }) => name),
    };
  }

  async apply(): Promise<WorkspaceSetupResult> {
    const existing = new Map((await this.contactAttributes()).map((attribute) => [attribute.name, attribute]));
    const result: WorkspaceSetupResult = { createdAttributes: [], restoredAttributes: [], tags: [] };
    for (const { name, description } of CONTACT_ATTRIBUTES) {
      const found = existing.get(name);
      if (!found) {
        await this.gateway.call(
          'dataAttributes.create',
          (client, options) =>
            client.dataAttributes.create(
              { name, model: 'contact', data_type: 'string', description } as Intercom.CreateDataAttributeRequest,
              options,
            ),
          WRITE,
        );
        result.createdAttributes.push(name);
      } else if (found.archived && found.id !== undefined) {
        const id = found.id;
        await this.gateway.call(
          'dataAttributes.update',
          (client, options) => client.dataAttributes.update({ data_attribute_id: id, body: { archived: false } }, options),
          WRITE,
        );
        result.restoredAttributes.push(name);
      }
    }
    // POST /tags creates the tag or returns the one of that name: safe to repeat.
    for (const name of [this.config.csat.tagName]) {
      await this.gateway.call('tags.create', (client, options) => client.tags.create({ name }, options), WRITE);
      result.tags.push(name);
    }
    return result;
  }

  private async contactAttributes(): Promise<Intercom.DataAttribute[]> {
    const list = await this.gateway.call(
      'dataAttributes.list',
      (client, options) => client.dataAttributes.list({ model: 'contact', include_archived: true }, options),
      { idempotent: true },
    );
    return (list.data ?? []).filter((attribute) => attribute.custom !== false);
  }
}

// The same setup outside the Nest app (`npm run intercom:setup`, the dev stack, test stacks).
export async function setUpIntercomWorkspace(config: AppConfig): Promise<WorkspaceSetupResult> {
  const quiet: AppConfig = { ...config, metrics: { ...config.metrics, port: 0 } };
  const budget = new IntercomUserBudget(quiet);
  const gateway = new IntercomGateway(quiet, new MetricsService(quiet), budget);
  try {
    return await new IntercomWorkspaceSetup(gateway, quiet).apply();
  } finally {
    gateway.onModuleDestroy();
    budget.onModuleDestroy();
  }
}
