// 活动设置: a campaign's set-up (new or existing): festival, year, basis document, deadline, budgets,
// the rules the roster job applies, categories with standard amounts, and quotas per township/union.
import { useMemo } from 'react';
import {
  PageContainer,
  ProCard,
  ProForm,
  ProFormDateTimePicker,
  ProFormDependency,
  ProFormDigit,
  ProFormItem,
  ProFormList,
  ProFormSelect,
  ProFormSwitch,
  ProFormText,
  ProFormTextArea,
} from '@ant-design/pro-components';
import { App, Button, Result, Skeleton, Space } from 'antd';
import dayjs from 'dayjs';
import { useNavigate, useParams } from 'react-router';
import { OrgTreeSelect } from '@/components/org-tree-select';
import { paths } from '@/config/paths';
import { reportFormError } from '@/lib/form-errors';
import { useT } from '@/locales';
import { useCampaign, useCreateCampaign, useUpdateCampaign } from '../api/roster';
import { useRosterCodes } from '../components/codes';
import { fromFen, toFen } from '../components/format';
import { rosterMessages } from '../locales';
import type { Campaign, CampaignCreate } from '../types';

interface CategoryValues {
  code: string;
  name: string;
  standard_cash?: number;
  standard_goods?: number;
  budget_cash?: number | null;
}

interface QuotaValues {
  org_id?: number;
  category_code?: string | null;
  max_households?: number;
}

interface FormValues {
  name: string;
  festival: string;
  year: number;
  basis_document?: string;
  nomination_deadline?: string;
  budget_cash?: number;
  budget_goods?: number;
  remark?: string;
  rules: {
    require_hardship_file: boolean;
    exclude_exited: boolean;
    exclude_review_overdue: boolean;
    income_limit_pct?: number | null;
    once_per_festival: boolean;
    cooldown_months: number;
  };
  categories: CategoryValues[];
  quotas: QuotaValues[];
}

// The hardship file's categories (困难职工档案), a sensible start for a new campaign.
const DEFAULT_CATEGORIES: CategoryValues[] = [
  { code: 'ordinary', name: '困难职工', standard_cash: 500, standard_goods: 300 },
  { code: 'extreme', name: '特困职工', standard_cash: 800, standard_goods: 300 },
  { code: 'model_worker', name: '困难劳模', standard_cash: 1000, standard_goods: 500 },
  { code: 'migrant', name: '困难农民工', standard_cash: 500, standard_goods: 300 },
];

function toValues(c: Campaign | undefined): Partial<FormValues> {
  if (!c) {
    const year = dayjs().month() >= 9 ? dayjs().year() + 1 : dayjs().year();
    return {
      festival: 'spring',
      year,
      name: `${year}年元旦春节送温暖活动`,
      rules: { require_hardship_file: true, exclude_exited: true, exclude_review_overdue: false, income_limit_pct: null,
        once_per_festival: true, cooldown_months: 6 },
      categories: DEFAULT_CATEGORIES,
      quotas: [],
    };
  }
  return {
    name: c.name,
    festival: c.festival,
    year: c.year,
    basis_document: c.basis_document ?? undefined,
    nomination_deadline: c.nomination_deadline ?? undefined,
    budget_cash: fromFen(c.budget_cash_fen),
    budget_goods: fromFen(c.budget_goods_fen),
    remark: c.remark ?? undefined,
    rules: {
      require_hardship_file: c.rules.require_hardship_file,
      exclude_exited: c.rules.exclude_exited,
      exclude_review_overdue: c.rules.exclude_review_overdue,
      income_limit_pct: c.rules.income_limit_pct ?? null,
      once_per_festival: c.rules.once_per_festival,
      cooldown_months: c.rules.cooldown_months,
    },
    categories: c.categories.map((x) => ({
      code: x.code,
      name: x.name,
      standard_cash: fromFen(x.standard_cash_fen),
      standard_goods: fromFen(x.standard_goods_fen),
      budget_cash: x.budget_cash_fen === null || x.budget_cash_fen === undefined ? null : fromFen(x.budget_cash_fen),
    })),
    quotas: c.quotas.map((q) => ({ org_id: q.org_id, category_code: q.category_code ?? null, max_households: q.max_households })),
  };
}

function toBody(v: FormValues): CampaignCreate {
  return {
    name: v.name,
    festival: v.festival,
    year: v.year,
    basis_document: v.basis_document || null,
    nomination_deadline: v.nomination_deadline ? dayjs(v.nomination_deadline).format() : null,
    budget_cash_fen: toFen(v.budget_cash) ?? 0,
    budget_goods_fen: toFen(v.budget_goods) ?? 0,
    remark: v.remark || null,
    rules: {
      require_hardship_file: !!v.rules.require_hardship_file,
      exclude_exited: !!v.rules.exclude_exited,
      exclude_review_overdue: !!v.rules.exclude_review_overdue,
      income_limit_pct: v.rules.income_limit_pct || null,
      once_per_festival: !!v.rules.once_per_festival,
      cooldown_months: v.rules.cooldown_months ?? 0,
    },
    categories: (v.categories ?? []).map((c) => ({
      code: c.code,
      name: c.name,
      standard_cash_fen: toFen(c.standard_cash) ?? 0,
      standard_goods_fen: toFen(c.standard_goods) ?? 0,
      budget_cash_fen: toFen(c.budget_cash ?? null),
    })),
    quotas: (v.quotas ?? [])
      .filter((q) => q.org_id)
      .map((q) => ({ org_id: q.org_id as number, category_code: q.category_code || null, max_households: q.max_households ?? 0 })),
  } as CampaignCreate;
}

export default function CampaignEditPage() {
  const t = useT(rosterMessages);
  const { message } = App.useApp();
  const navigate = useNavigate();
  const params = useParams();
  const id = params.id ? Number(params.id) : undefined;
  const codes = useRosterCodes();
  const { data, isLoading, error } = useCampaign(id);
  const create = useCreateCampaign();
  const update = useUpdateCampaign();
  const [form] = ProForm.useForm<FormValues>();
  const initial = useMemo(() => toValues(data?.data), [data]);

  if (id && isLoading) return <Skeleton active />;
  if (id && error) return <Result status="404" title={t('roster.noCampaign')} />;

  const title = id ? t('roster.form.editTitle', { name: data?.data.name ?? '' }) : t('roster.form.newTitle');

  return (
    <PageContainer title={title} onBack={() => navigate(paths.condolenceCampaigns)}>
      <ProForm<FormValues>
        // Values are set once, when the form is created (a campaign being edited: when its data has come).
        key={id ? `${id}:${data?.etag ?? ''}` : 'new'}
        form={form}
        initialValues={initial}
        layout="vertical"
        submitter={{
          render: (_, dom) => <Space>{dom}</Space>,
          searchConfig: { submitText: t('common.save') },
        }}
        onFinish={async (values) => {
          try {
            const body = toBody(values);
            const saved = id
              ? await update.mutateAsync({ id, etag: data?.etag ?? null, data: body })
              : await create.mutateAsync(body);
            void message.success(t('roster.form.saved'));
            navigate(`${paths.condolenceCampaigns}/${saved.id}`);
            return true;
          } catch (err) {
            reportFormError(form, err, (text) => void message.error(text));
            return false;
          }
        }}
      >
        <ProCard title={t('roster.campaign')} bordered style={{ marginBottom: 16 }}>
          <ProForm.Group>
            <ProFormText name="name" label={t('roster.field.name')} width="lg" rules={[{ required: true, message: t('roster.form.required') }]} />
            <ProFormSelect name="festival" label={t('roster.field.festival')} width="sm" options={codes.options('festivals')} rules={[{ required: true }]} />
            <ProFormDigit name="year" label={t('roster.field.year')} width="xs" min={2000} max={2100} fieldProps={{ precision: 0 }} rules={[{ required: true }]} />
          </ProForm.Group>
          <ProForm.Group>
            <ProFormText name="basis_document" label={t('roster.field.basis')} width="lg" placeholder="新工发〔2026〕45号" />
            <ProFormDateTimePicker name="nomination_deadline" label={t('roster.field.deadline')} width="md" />
          </ProForm.Group>
          <ProForm.Group>
            <ProFormDigit name="budget_cash" label={`${t('roster.field.budgetCash')}（${t('roster.yuan')}）`} width="sm" min={0} fieldProps={{ precision: 2 }} />
            <ProFormDigit name="budget_goods" label={`${t('roster.field.budgetGoods')}（${t('roster.yuan')}）`} width="sm" min={0} fieldProps={{ precision: 2 }} />
          </ProForm.Group>
          <ProFormTextArea name="remark" label={t('roster.field.remark')} fieldProps={{ rows: 2 }} />
        </ProCard>

        <ProCard title={t('roster.field.rules')} bordered style={{ marginBottom: 16 }}>
          <ProForm.Group>
            <ProFormSwitch name={['rules', 'require_hardship_file']} label={t('roster.rules.require_hardship_file')} />
            <ProFormSwitch name={['rules', 'exclude_exited']} label={t('roster.rules.exclude_exited')} />
            <ProFormSwitch name={['rules', 'exclude_review_overdue']} label={t('roster.rules.exclude_review_overdue')} />
            <ProFormSwitch name={['rules', 'once_per_festival']} label={t('roster.rules.once_per_festival')} />
          </ProForm.Group>
          <ProForm.Group>
            <ProFormDigit name={['rules', 'income_limit_pct']} label={t('roster.rules.income_limit_pct')} width="sm" min={50} max={500} fieldProps={{ precision: 0 }} />
            <ProFormDigit name={['rules', 'cooldown_months']} label={t('roster.rules.cooldown_months')} width="sm" min={0} max={36} fieldProps={{ precision: 0 }} />
          </ProForm.Group>
        </ProCard>

        <ProCard title={t('roster.field.categories')} bordered style={{ marginBottom: 16 }}>
          <ProFormList
            name="categories"
            creatorButtonProps={{ creatorButtonText: t('roster.form.addCategory') }}
            creatorRecord={{ code: '', name: '', standard_cash: 0, standard_goods: 0 }}
          >
            <ProForm.Group>
              <ProFormText name="code" label={t('roster.field.categoryCode')} width="xs" rules={[{ required: true, message: t('roster.form.required') }]} />
              <ProFormText name="name" label={t('roster.field.categoryName')} width="sm" rules={[{ required: true, message: t('roster.form.required') }]} />
              <ProFormDigit name="standard_cash" label={t('roster.field.standardCash')} width="xs" min={0} fieldProps={{ precision: 2 }} />
              <ProFormDigit name="standard_goods" label={t('roster.field.standardGoods')} width="xs" min={0} fieldProps={{ precision: 2 }} />
              <ProFormDigit name="budget_cash" label={t('roster.field.categoryBudget')} width="xs" min={0} fieldProps={{ precision: 2 }} />
            </ProForm.Group>
          </ProFormList>
          {!id ? (
            <Button size="small" onClick={() => form.setFieldValue('categories', DEFAULT_CATEGORIES)}>
              {t('roster.form.defaultCategories')}
            </Button>
          ) : null}
        </ProCard>

        <ProCard title={t('roster.field.quotas')} bordered style={{ marginBottom: 16 }}>
          <ProFormList
            name="quotas"
            creatorButtonProps={{ creatorButtonText: t('roster.form.addQuota') }}
            creatorRecord={{ max_households: 10 }}
          >
            <ProForm.Group>
              <ProFormItem name="org_id" label={t('roster.field.quotaOrg')} rules={[{ required: true, message: t('roster.form.required') }]}>
                <OrgTreeSelect style={{ width: 280 }} />
              </ProFormItem>
              <ProFormDependency name={['categories']} ignoreFormListField>
                {({ categories }) => (
                  <ProFormSelect
                    name="category_code"
                    label={t('roster.field.quotaCategory')}
                    width="sm"
                    allowClear
                    options={((categories as CategoryValues[] | undefined) ?? []).filter((c) => c?.code).map((c) => ({ value: c.code, label: c.name || c.code }))}
                  />
                )}
              </ProFormDependency>
              <ProFormDigit name="max_households" label={t('roster.field.quotaMax')} width="xs" min={0} fieldProps={{ precision: 0 }} rules={[{ required: true }]} />
            </ProForm.Group>
          </ProFormList>
        </ProCard>
      </ProForm>
    </PageContainer>
  );
}
