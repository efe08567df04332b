// The ECharts option of 会员人数变化: flows stacked around zero (joins and transfers in up, leaves
// and transfers out down) on the left axis, members at month end as a line on the right axis.
import { LineChart } from 'echarts/charts';
import * as echarts from 'echarts/core';
import type { EChartOption } from '@/components/echart';
import type { TFunction } from '@/locales';
import type { dashboardMessages } from '../locales';
import type { MembersOverTime } from '../types';

type T = TFunction<keyof (typeof dashboardMessages)['zh-CN']>;

// The shared wrapper registers bar and pie charts; the member line is registered here.
echarts.use([LineChart]);

const RED = '#c8102e';
const GOLD = '#d4a017';
const GREY = '#8c8c8c';
const ORANGE = '#fa8c16';
const BLUE = '#1d5fbf';

export function trendOption(data: MembersOverTime, t: T): EChartOption {
  const months = data.series.map((p) => p.month);
  const bar = (name: string, values: number[], color: string) => ({
    type: 'bar' as const,
    name,
    stack: 'flow',
    data: values,
    itemStyle: { color },
    barMaxWidth: 14,
    emphasis: { focus: 'series' as const },
  });
  const option = {
    grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
    legend: { top: 0, itemWidth: 12, itemHeight: 10 },
    // Leaves and transfers out are drawn below zero; the tooltip gives them as counts.
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: number) => String(Math.abs(v)) },
    xAxis: { type: 'category', data: months, axisLabel: { formatter: (v: string) => v.slice(2).replace('-', '/') } },
    yAxis: [
      { type: 'value', name: t('dashboard.trend.flowAxis'), splitLine: { lineStyle: { type: 'dashed' } } },
      { type: 'value', name: t('dashboard.trend.members'), scale: true, splitLine: { show: false } },
    ],
    series: [
      bar(t('dashboard.trend.joined'), data.series.map((p) => p.joined), RED),
      bar(t('dashboard.trend.transferredIn'), data.series.map((p) => p.transferred_in), GOLD),
      bar(t('dashboard.trend.transferredOut'), data.series.map((p) => -p.transferred_out), ORANGE),
      bar(t('dashboard.trend.left'), data.series.map((p) => -p.left), GREY),
      {
        type: 'line',
        name: t('dashboard.trend.members'),
        yAxisIndex: 1,
        data: data.series.map((p) => p.members_end),
        itemStyle: { color: BLUE },
        symbolSize: 5,
        smooth: false,
      },
    ],
  };
  // The line series is outside the wrapper's option type (bar/pie); echarts takes it as is.
  return option as unknown as EChartOption;
}
