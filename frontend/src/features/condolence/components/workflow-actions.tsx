// Review decisions with their comment, and how a refused decision is explained (409 lists each line).
import { useState } from 'react';
import { ModalForm, ProFormTextArea } from '@ant-design/pro-components';
import { App, Button, Dropdown, Space } from 'antd';
import { useT } from '@/locales';
import { type ReviewTarget, useReview } from '../api/workflow';
import { workflowMessages } from '../workflow-locales';
import { explain } from './workflow-errors';
import type { ReviewAction } from '../workflow-types';

export function ReviewButtons({ target, disabled, size = 'small', onDone, testId }: {
  target: ReviewTarget;
  disabled?: boolean;
  size?: 'small' | 'middle';
  onDone?: () => void;
  testId?: string;
}) {
  const t = useT(workflowMessages);
  const { message, modal } = App.useApp();
  const review = useReview();
  const [asking, setAsking] = useState<ReviewAction | null>(null);

  const run = async (action: ReviewAction, comment?: string) => {
    try {
      const result = await review.mutateAsync({ target, action, comment });
      message.success(result.message);
      onDone?.();
      return true;
    } catch (error) {
      modal.error({ title: t('cw.review.refused'), content: explain(error) });
      return false;
    }
  };

  return (
    <>
      <Space size={4}>
        <Button size={size} type="primary" ghost disabled={disabled} loading={review.isPending && !asking}
          onClick={() => void run('approve')} data-testid={`${testId ?? 'review'}-approve`}>
          {t('cw.action.approve')}
        </Button>
        <Dropdown
          disabled={disabled}
          menu={{
            items: [
              { key: 'return', label: t('cw.action.return') },
              { key: 'reject', label: t('cw.action.reject'), danger: true },
            ],
            onClick: ({ key }) => setAsking(key as ReviewAction),
          }}
        >
          <Button size={size} disabled={disabled} data-testid={`${testId ?? 'review'}-more`}>
            {t('cw.action.more')}
          </Button>
        </Dropdown>
      </Space>
      <ModalForm<{ comment: string }>
        title={asking === 'reject' ? t('cw.action.reject') : t('cw.action.return')}
        open={asking !== null}
        width={480}
        modalProps={{ destroyOnHidden: true, onCancel: () => setAsking(null) }}
        onFinish={async ({ comment }) => {
          const ok = await run(asking ?? 'return', comment);
          if (ok) setAsking(null);
          return ok;
        }}
      >
        <ProFormTextArea
          name="comment"
          label={t('cw.field.comment')}
          placeholder={asking === 'reject' ? t('cw.comment.rejectHint') : t('cw.comment.returnHint')}
          rules={[{ required: true, whitespace: true, message: t('cw.comment.required') }]}
          fieldProps={{ maxLength: 500, showCount: true, 'data-testid': 'review-comment' } as object}
        />
      </ModalForm>
    </>
  );
}
