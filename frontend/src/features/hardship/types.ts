// Aliases over the types generated from the OpenAPI document (src/types/api.gen.ts).
import type { components, paths } from '@/types/api.gen';

type Schemas = components['schemas'];

export type Household = Schemas['HardshipHousehold'];
export type HouseholdDetail = Schemas['HardshipHouseholdDetail'];
export type HouseholdMember = Schemas['HardshipHouseholdMember'];
export type HouseholdCreate = Schemas['HardshipHouseholdCreate'];
/** PATCH bodies: any subset of the fields. */
export type HouseholdUpdate = Partial<Schemas['HardshipHouseholdUpdate']>;
export type HouseholdMemberInput = Schemas['HardshipHouseholdMemberInput'];
export type HouseholdSensitive = Schemas['HardshipHouseholdSensitive'];
export type Assessment = Schemas['HardshipAssessment'];
export type HistoryEntry = Schemas['HardshipHistoryEntry'];

export type Visit = Schemas['HardshipVisit'];
export type VisitCreate = Schemas['HardshipVisitCreate'];
export type ReviewCreate = Schemas['HardshipReviewCreate'];
export type ReviewResult = Schemas['HardshipReviewResult'];
export type FileBody = Schemas['HardshipFile'];
export type ExitBody = Schemas['HardshipExit'];
export type RejectBody = Schemas['HardshipReject'];

export type Relief = Schemas['HardshipRelief'];
export type ReliefCreate = Schemas['HardshipReliefCreate'];

export type Policy = Schemas['HardshipPolicy'];
export type PolicyCreate = Schemas['HardshipPolicyCreate'];
export type PolicyUpdate = Partial<Schemas['HardshipPolicyUpdate']>;

export type Codebook = Schemas['HardshipCodebook'];
export type CodeKind = {
  [K in keyof Codebook]: Codebook[K] extends { code: string; label: string }[] ? K : never;
}[keyof Codebook];

export type Statistics = Schemas['HardshipStatistics'];
export type ReviewsDueSummary = Schemas['HardshipReviewsDueSummary'];

export type HouseholdQuery = NonNullable<paths['/api/v1/hardship/households']['get']['parameters']['query']>;
export type ReliefQuery = NonNullable<paths['/api/v1/hardship/reliefs']['get']['parameters']['query']>;
export type ReviewsDueQuery = NonNullable<paths['/api/v1/hardship/reviews-due']['get']['parameters']['query']>;
export type StatisticsQuery = NonNullable<paths['/api/v1/hardship/statistics']['get']['parameters']['query']>;

export type HouseholdStatus = 'candidate' | 'verified' | 'filed' | 'exited' | 'rejected';
