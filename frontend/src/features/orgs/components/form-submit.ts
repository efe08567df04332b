// The shared submit step of this feature's ModalForms: run the request; 422 field errors land on
// their fields, other validation messages are shown; success closes the modal (returns true).
import type { FormInstance } from 'antd';
import { reportFormError } from '@/lib/form-errors';

export async function submitForm<R>(
  form: FormInstance,
  request: () => Promise<R>,
  {
    onSuccess,
    notifyError,
  }: {
    onSuccess: (result: R) => void;
    notifyError: (text: string) => void;
  },
): Promise<boolean> {
  try {
    const result = await request();
    onSuccess(result);
    return true;
  } catch (error) {
    reportFormError(form, error, notifyError);
    return false;
  }
}
