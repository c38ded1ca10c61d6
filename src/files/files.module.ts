import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { FilesController } from './files.controller';
import { FilesService } from './files.service';
import { StoredFile } from './stored-file.entity';
import { LocalDiskStorage } from './storage/local-disk-storage';
import { OBJECT_STORAGE, type ObjectStorage } from './storage/object-storage';
import { S3ObjectStorage } from './storage/s3-object-storage';

@Module({
  imports: [TypeOrmModule.forFeature([StoredFile])],
  controllers: [FilesController],
  providers: [
    FilesService,
    {
      provide: OBJECT_STORAGE,
      inject: [APP_CONFIG],
      // S3 when a bucket is configured, else the local directory.
      useFactory: (config: AppConfig): ObjectStorage =>
        config.storage.s3 ? new S3ObjectStorage(config.storage.s3) : new LocalDiskStorage(config.storage.localDir),
    },
  ],
  exports: [FilesService],
})
export class FilesModule {}
