import { Injectable } from '@nestjs/common';
import { CsatRepository } from './csat.repository';
import type { ComplaintCreatedDto, CreateComplaintDto } from './dto/csat.dto';

@Injectable()
export class ComplaintsService {
  constructor(private readonly repository: CsatRepository) {}

  async create(userId: string, complaint: CreateComplaintDto): Promise<ComplaintCreatedDto> {
    const id = await this.repository.insertComplaint({
      userId,
      category: complaint.category,
      description: complaint.description,
      chatId: complaint.chatId ?? null,
      dialogId: complaint.dialogId ?? null,
    });
    return { id };
  }
}
