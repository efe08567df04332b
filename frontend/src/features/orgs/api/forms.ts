// The four real-name registration forms (实名制登记表), written by the API as .xlsx.
import { downloadFromApi } from '@/lib/download';
import type { RegisterForm } from '../types';

export interface RegisterFormParams {
  /** The subtree to export (default: the user's whole scope). */
  org_id?: number;
  date_from?: string;
  date_to?: string;
}

export function downloadRegisterForm(form: RegisterForm, params: RegisterFormParams = {}) {
  return downloadFromApi(`/forms/${form}.xlsx`, { ...params }, `${form}.xlsx`);
}
