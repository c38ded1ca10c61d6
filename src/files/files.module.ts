import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { FilesController } from './files.controller';
import { FilesRetention } from './files-retention';
import { FilesRepository } from './files.repository';
import { FilesService } from './files.service';
import { LocalDiskStorage } from './storage/local-disk-storage';
import type * as S3Storage from './storage/s3-object-storage';
import { OBJECT_STORAGE, type ObjectStorage } from './storage/object-storage';

@Module({
  imports: [AuthModule],
  controllers: [FilesController],
  providers: [
    FilesRepository,
    FilesService,
    FilesRetention,
    {
      provide: OBJECT_STORAGE,
      inject: [APP_CONFIG],
      // S3 when a bucket is configured, else the local directory.
      useFactory: (config: AppConfig): ObjectStorage => {
        if (!config.storage.s3) return new LocalDiskStorage(config.storage.localDir);
        // Loaded only when S3 is configured: the AWS SDK costs several MB to every process that loads it.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { S3ObjectStorage } = require('./storage/s3-object-storage') as typeof S3Storage;
        return new S3ObjectStorage(config.storage.s3);
      },
    },
  ],
  exports: [FilesService, FilesRetention],
})
export class FilesModule {}
