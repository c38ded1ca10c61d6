import { Module } from '@nestjs/common';
import { ComplaintsService } from './complaints.service';
import { CsatController } from './csat.controller';
import { CsatService } from './csat.service';

@Module({ controllers: [CsatController], providers: [CsatService, ComplaintsService], exports: [CsatService] })
export class CsatModule {}
