// Aliases over the types generated from the OpenAPI document (src/types/api.gen.ts).
import type { components } from '@/types/api.gen';

export type Indicators = components['schemas']['Indicators'];
export type IndicatorBlock = components['schemas']['IndicatorBlock'];
export type IndicatorRow = components['schemas']['IndicatorRow'];
export type FoundingRate = components['schemas']['FoundingRate'];
export type MembershipRate = components['schemas']['MembershipRate'];
export type Share = components['schemas']['Share'];
export type MembersOverTime = components['schemas']['MembersOverTime'];
export type MemberMonth = components['schemas']['MemberMonth'];
