// Shared UI strings, Simplified Chinese (the default locale). Features keep their own strings in
// src/features/<feature>/locales.ts. Keys are flat and dotted; en-US.ts must define every key.
export const zhCN = {
  'app.name': '职工之家云',
  'app.nameEn': 'UnionHome',
  'app.tagline': '县级总工会实名台账与业务协同平台',

  'lang.label': '语言',

  'menu.home': '工作台',
  'menu.tenants': '租户管理',

  'layout.currentTenant': '当前单位',
  'layout.scope': '管辖范围',
  'layout.scopeAll': '{name}（全部下级组织）',
  'layout.noTenant': '未进入租户',
  'layout.role': '角色',
  'layout.changePassword': '修改密码',
  'layout.logout': '退出登录',
  'layout.logoutFailed': '退出登录失败，请重试',

  'role.platform_admin': '平台管理员',
  'role.federation_admin': '总工会管理员',
  'role.org_staff': '镇街/产业工会干部',
  'role.grassroots_chair': '基层工会主席',
  'role.grid_officer': '网格员',
  'role.auditor': '经审人员',
  'role.judge': '竞赛评委',

  'common.ok': '确定',
  'common.cancel': '取消',
  'common.save': '保存',
  'common.submit': '提交',
  'common.reload': '刷新页面',
  'common.retry': '重试',
  'common.backHome': '返回工作台',
  'common.loading': '加载中…',
  'common.actions': '操作',
  'common.none': '无',
  'common.colon': '：',

  'error.network': '网络连接失败，请检查网络后重试',
  'error.timeout': '请求超时，请稍后重试',
  'error.unknown': '操作失败，请稍后重试',
  'error.validation': '提交的内容有误，请按提示修改',
  'error.400': '请求有误，请检查后重试',
  'error.401': '登录已失效，请重新登录',
  'error.403': '没有执行此操作的权限',
  'error.404': '请求的记录不存在',
  'error.409': '数据已被他人修改，请刷新后重试',
  'error.412': '数据已被他人修改，请刷新后重试',
  'error.428': '缺少版本信息，请刷新后重试',
  'error.429': '操作过于频繁，请稍后再试',
  'error.5xx': '服务暂时不可用，请稍后重试',

  'route.403.title': '无权访问',
  'route.403.subTitle': '您没有访问此页面的权限，如需开通请联系本单位管理员。',
  'route.404.title': '页面不存在',
  'route.404.subTitle': '您访问的页面不存在或已被移除。',
  'route.error.title': '页面出错了',
  'route.error.subTitle': '页面加载时发生错误，请刷新后重试。',
  'route.chunk.title': '系统已更新',
  'route.chunk.subTitle': '系统刚刚发布了新版本，请刷新页面以加载最新内容。',
} as const;

export type MessageKey = keyof typeof zhCN;
