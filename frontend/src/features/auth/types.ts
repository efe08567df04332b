// Hand-written until src/types/api.gen.ts is generated from the OpenAPI document.
import type { Me, MeUser } from '@/lib/access';

export interface LoginPayload {
  username: string;
  password: string;
}

/** The server answers a login with the same body as GET /me (older builds: just `{user}`). */
export type LoginResponse = { user: MeUser } & Partial<Omit<Me, 'user'>>;

export interface PasswordChangePayload {
  current_password: string;
  new_password: string;
}
