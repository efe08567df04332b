// Hand-written until src/types/api.gen.ts is generated from the OpenAPI document.
import type { MeUser } from '@/lib/access';

export interface LoginPayload {
  username: string;
  password: string;
}

export interface LoginResponse {
  user: MeUser;
}

export interface PasswordChangePayload {
  current_password: string;
  new_password: string;
}
