import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ComplaintCreatedDto, CreateComplaintDto } from './dto/csat.dto';

@Injectable()
export class ComplaintsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async create(userId: string, complaint: CreateComplaintDto): Promise<ComplaintCreatedDto> {
    const [row] = await this.dataSource.query<{ id: string }[]>(
      'INSERT INTO complaints (user_id, category, description, chat_id, dialog_id) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [userId, complaint.category, complaint.description, complaint.chatId ?? null, complaint.dialogId ?? null],
    );
    return { id: row.id };
  }
}
