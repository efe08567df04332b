// 退回修改 → 修改后重新提交: the nominating union corrects a returned line. Only changed fields are sent.
import { ModalForm, ProFormDigit, ProFormText, ProFormTextArea } from '@ant-design/pro-components';
import { Alert, App, Form } from 'antd';
import { reportFormError } from '@/lib/form-errors';
import { useT } from '@/locales';
import { useCorrectLine } from '../api/workflow';
import { workflowMessages } from '../workflow-locales';
import type { LineCorrection, WorkflowLine } from '../workflow-types';
import { yuanToFen } from './workflow-money';

interface Values {
  name?: string;
  id_number?: string;
  bank_card?: string;
  bank_name?: string;
  mobile?: string;
  category_code?: string;
  cash?: number;
  goods?: number;
  reason?: string;
  work_unit?: string;
  comment?: string;
}

export function CorrectionModal({ line, onClose }: { line: WorkflowLine | null; onClose: () => void }) {
  const t = useT(workflowMessages);
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const correct = useCorrectLine();
  return (
    <ModalForm<Values>
      form={form}
      title={t('cw.correct.title', { name: line?.name ?? '' })}
      open={!!line}
      width={640}
      grid
      rowProps={{ gutter: 12 }}
      modalProps={{ destroyOnHidden: true, onCancel: onClose }}
      initialValues={line ? { name: line.name, bank_name: line.bank_name ?? undefined, reason: line.reason ?? undefined,
        work_unit: line.work_unit ?? undefined, category_code: line.category_code ?? undefined } : {}}
      onFinish={async (values) => {
        if (!line) return false;
        const body: LineCorrection = {};
        if (values.name && values.name !== line.name) body.name = values.name;
        if (values.id_number) body.id_number = values.id_number;
        if (values.bank_card) body.bank_card = values.bank_card;
        if ((values.bank_name ?? null) !== line.bank_name) body.bank_name = values.bank_name ?? null;
        if (values.mobile) body.mobile = values.mobile;
        if (values.category_code && values.category_code !== line.category_code) body.category_code = values.category_code;
        const cash = yuanToFen(values.cash);
        const goods = yuanToFen(values.goods);
        if (cash !== undefined) body.cash_fen = cash;
        if (goods !== undefined) body.goods_fen = goods;
        if ((values.reason ?? null) !== line.reason) body.reason = values.reason ?? null;
        if ((values.work_unit ?? null) !== line.work_unit) body.work_unit = values.work_unit ?? null;
        if (values.comment) body.comment = values.comment;
        try {
          await correct.mutateAsync({ lineId: line.id, body });
          message.success(t('cw.correct.done'));
          onClose();
          return true;
        } catch (error) {
          reportFormError(form, error, (text) => message.error(text), {
            knownFields: ['name', 'id_number', 'bank_card', 'bank_name', 'mobile', 'category_code', 'reason', 'work_unit', 'comment'],
          });
          return false;
        }
      }}
    >
      {line?.review_comment ? (
        <Alert type="warning" showIcon style={{ marginBottom: 12, width: '100%' }} message={t('cw.correct.why', { comment: line.review_comment })} />
      ) : null}
      <ProFormText name="name" label={t('cw.field.name')} colProps={{ span: 8 }} />
      <ProFormText name="id_number" label={t('cw.field.idNumber')} placeholder={line?.id_number_masked ?? ''} colProps={{ span: 16 }}
        tooltip={t('cw.correct.blankKeeps')} />
      <ProFormText name="bank_card" label={t('cw.field.bankCard')} placeholder={line?.bank_card_masked ?? ''} colProps={{ span: 12 }}
        tooltip={t('cw.correct.blankKeeps')} />
      <ProFormText name="bank_name" label={t('cw.field.bankName')} colProps={{ span: 12 }} />
      <ProFormText name="mobile" label={t('cw.field.mobile')} colProps={{ span: 8 }} />
      <ProFormText name="category_code" label={t('cw.field.categoryCode')} colProps={{ span: 8 }} />
      <ProFormText name="work_unit" label={t('cw.field.workUnit')} colProps={{ span: 8 }} />
      <ProFormDigit name="cash" label={t('cw.field.cashYuan')} min={0} fieldProps={{ precision: 2 }} colProps={{ span: 12 }} />
      <ProFormDigit name="goods" label={t('cw.field.goodsYuan')} min={0} fieldProps={{ precision: 2 }} colProps={{ span: 12 }} />
      <ProFormTextArea name="reason" label={t('cw.field.reason')} colProps={{ span: 24 }} fieldProps={{ maxLength: 500 }} />
      <ProFormTextArea name="comment" label={t('cw.correct.comment')} colProps={{ span: 24 }} fieldProps={{ maxLength: 500 }} />
    </ModalForm>
  );
}
